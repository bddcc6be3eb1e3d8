import type { Role } from '@realmkit/sdk';
import { type FormEvent, useId, useState } from 'react';
import { messageOf } from '../../api/errors.ts';
import { useRoles } from '../../api/roles.ts';
import { useAssignRole, useRemoveRole, useUserRoles } from '../../api/users.ts';
import { useAuth } from '../../auth/auth-provider.tsx';
import { FormAlert, StatusMessage } from '../../components/alerts.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { ListError } from '../../components/query-state.tsx';
import { ActionButton, NeedsScope } from '../../components/scope-hint.tsx';
import { useRealmName } from '../realm-context.tsx';

/** The roles the user holds (scope users:roles): remove one, or assign one of the realm's roles. */
export function UserRolesPanel({ userId }: { userId: string }) {
  const realm = useRealmName();
  const { can } = useAuth();
  const canSee = can('users:roles');
  const held = useUserRoles(realm, userId, { enabled: canSee });
  const remove = useRemoveRole(realm, userId);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<unknown>();

  const onRemove = async (role: Role) => {
    setStatus('');
    setProblem(undefined);
    try {
      await remove.mutateAsync(role.id);
      setStatus(`Removed the role ${role.name}.`);
    } catch (error) {
      setProblem(error);
    }
  };

  return (
    <section className="panel" aria-labelledby="user-roles-title">
      <h2 id="user-roles-title">Roles</h2>
      {!canSee ? (
        <NeedsScope scope="users:roles" what="the user's roles" />
      ) : (
        <>
          <ListError error={held.error} what="the user's roles" />
          <DataTable<Role>
            caption="Roles the user holds"
            rows={held.data?.data}
            rowKey={(role) => role.id}
            isLoading={held.isPending}
            columns={[
              { header: 'Role', isRowHeader: true, cell: (role) => role.name },
              { header: 'Description', className: 'cell-wrap', cell: (role) => role.description ?? '—' },
              {
                header: 'Actions',
                cell: (role) => (
                  <ActionButton
                    scope="users:roles"
                    className="button-small"
                    pending={remove.isPending && remove.variables === role.id}
                    pendingLabel="Removing…"
                    onClick={() => void onRemove(role)}
                  >
                    Remove<span className="visually-hidden"> the role {role.name}</span>
                  </ActionButton>
                ),
              },
            ]}
            empty={<p>The user holds no role: their tokens carry no scope of the realm's APIs.</p>}
          />
          <AssignRoleForm
            userId={userId}
            heldIds={new Set(held.data?.data.map((role) => role.id))}
            onAssigned={(role) => {
              setProblem(undefined);
              setStatus(`Assigned the role ${role.name}.`);
            }}
          />
          {problem !== undefined && <FormAlert>{messageOf(problem)}</FormAlert>}
          <StatusMessage>{status}</StatusMessage>
        </>
      )}
    </section>
  );
}

/** One of the realm's roles (listed with roles:read) to assign. */
function AssignRoleForm({
  userId,
  heldIds,
  onAssigned,
}: {
  userId: string;
  heldIds: ReadonlySet<string>;
  onAssigned: (role: Role) => void;
}) {
  const realm = useRealmName();
  const { can } = useAuth();
  const canList = can('roles:read');
  // The largest page; a realm with more roles than that narrows the choice with the search.
  const [search, setSearch] = useState('');
  const roles = useRoles(realm, { per_page: 100, ...(search ? { search } : {}) }, { enabled: canList });
  const assign = useAssignRole(realm, userId);
  const [choice, setChoice] = useState('');
  const selectId = useId();
  const filterId = useId();

  if (!canList) return <NeedsScope scope="roles:read" what="the realm's roles to assign" />;

  const assignable = roles.data?.data.filter((role) => !heldIds.has(role.id)) ?? [];
  const chosen = assignable.find((role) => role.id === choice);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    await assign.mutateAsync(chosen.id).then(
      () => {
        setChoice('');
        onAssigned(chosen);
      },
      () => undefined,
    );
  };

  return (
    <form className="toolbar" onSubmit={(event) => void onSubmit(event)}>
      {(roles.data?.meta.total ?? 0) > 100 && (
        <div className="field">
          <label htmlFor={filterId}>Filter roles</label>
          <input id={filterId} type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </div>
      )}
      <div className="field">
        <label htmlFor={selectId}>Role to assign</label>
        <select id={selectId} value={chosen ? choice : ''} onChange={(event) => setChoice(event.target.value)}>
          <option value="">{roles.isPending ? 'Loading roles…' : 'Choose a role'}</option>
          {assignable.map((role) => (
            <option key={role.id} value={role.id}>
              {role.name}
            </option>
          ))}
        </select>
      </div>
      <ActionButton
        type="submit"
        scope="users:roles"
        disabled={!chosen}
        pending={assign.isPending}
        pendingLabel="Assigning…"
      >
        Assign role
      </ActionButton>
      {assign.error && <FormAlert>{messageOf(assign.error)}</FormAlert>}
    </form>
  );
}
