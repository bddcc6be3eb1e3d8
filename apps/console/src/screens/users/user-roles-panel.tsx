import type { Role } from '@realmkit/sdk';
import { useState } from 'react';
import { messageOf } from '../../api/errors.ts';
import { useAssignRole, useRemoveRole, useUserRoles } from '../../api/users.ts';
import { useAuth } from '../../auth/auth-provider.tsx';
import { FormAlert, StatusMessage } from '../../components/alerts.tsx';
import { AssignRoleForm } from '../../components/assign-role-form.tsx';
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
  const assign = useAssignRole(realm, userId);
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
            realm={realm}
            scope="users:roles"
            assign={assign}
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
