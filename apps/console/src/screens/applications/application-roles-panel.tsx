import { MAX_PER_PAGE } from '@realmkit/contract';
import type { Application, Role } from '@realmkit/sdk';
import { type FormEvent, useId, useState } from 'react';
import {
  APPLICATION_ROLES_PER_PAGE,
  useApplicationRoles,
  useAssignApplicationRole,
  useRemoveApplicationRole,
} from '../../api/applications.ts';
import { messageOf } from '../../api/errors.ts';
import { useRoles } from '../../api/roles.ts';
import { useAuth } from '../../auth/auth-provider.tsx';
import { FormAlert, StatusMessage } from '../../components/alerts.tsx';
import { DataTable, Pager, rangeSummary } from '../../components/data-table.tsx';
import { ListError } from '../../components/query-state.tsx';
import { ActionButton, NeedsScope } from '../../components/scope-hint.tsx';
import { useDebouncedValue } from '../../hooks/use-debounced-value.ts';
import { useRealmName } from '../realm-context.tsx';
import { holdsRoles } from './client-settings.tsx';

/**
 * The roles of an m2m application: what client_credentials may grant it. Remove one, or assign
 * one of the realm's roles. Other types hold none: their users' roles decide.
 */
export function ApplicationRolesPanel({ application }: { application: Application }) {
  const realm = useRealmName();
  const m2m = holdsRoles(application.type);
  const [page, setPage] = useState(1);
  const held = useApplicationRoles(realm, application.id, page, { enabled: m2m });
  const remove = useRemoveApplicationRole(realm, application.id);
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

  const meta = held.data?.meta;
  const rows = held.data?.data;
  return (
    <section className="panel" aria-labelledby="application-roles-title">
      <h2 id="application-roles-title">Roles</h2>
      {!m2m ? (
        <p className="notice">
          Only machine-to-machine applications hold roles. The users this application signs in get their scopes from
          their own roles.
        </p>
      ) : (
        <>
          <p className="notice">The scopes of these roles are what the application may get with client credentials.</p>
          <ListError error={held.error} what="the application's roles" />
          <DataTable<Role>
            caption="Roles the application holds"
            rows={rows}
            rowKey={(role) => role.id}
            isLoading={held.isPending}
            isFetching={held.isFetching}
            columns={[
              { header: 'Role', isRowHeader: true, cell: (role) => role.name },
              { header: 'Description', className: 'cell-wrap', cell: (role) => role.description ?? '—' },
              {
                header: 'Actions',
                cell: (role) => (
                  <ActionButton
                    scope="applications:write"
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
            empty={<p>The application holds no role: it can get no scope of the realm's APIs.</p>}
            pager={
              meta &&
              meta.total > APPLICATION_ROLES_PER_PAGE && (
                <Pager
                  label="the application's roles"
                  summary={rangeSummary((meta.current_page - 1) * meta.per_page + 1, rows?.length ?? 0, meta.total)}
                  onPrevious={page > 1 ? () => setPage(page - 1) : undefined}
                  onNext={meta.current_page * meta.per_page < meta.total ? () => setPage(page + 1) : undefined}
                />
              )
            }
          />
          <AssignRoleForm
            applicationId={application.id}
            heldIds={new Set(rows?.map((role) => role.id))}
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
  applicationId,
  heldIds,
  onAssigned,
}: {
  applicationId: string;
  heldIds: ReadonlySet<string>;
  onAssigned: (role: Role) => void;
}) {
  const realm = useRealmName();
  const { can } = useAuth();
  const canList = can('roles:read');
  // The largest page; a realm with more roles than that narrows the choice with the filter.
  const [search, setSearch] = useState('');
  const filter = useDebouncedValue(search.trim());
  const roles = useRoles(
    realm,
    { per_page: MAX_PER_PAGE, ...(filter ? { search: filter } : {}) },
    { enabled: canList },
  );
  const assign = useAssignApplicationRole(realm, applicationId);
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
      {(roles.data?.meta.total ?? 0) > MAX_PER_PAGE || search ? (
        <div className="field">
          <label htmlFor={filterId}>Filter roles</label>
          <input id={filterId} type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={selectId}>Role to assign</label>
        <select id={selectId} value={chosen ? choice : ''} onChange={(event) => setChoice(event.target.value)}>
          <option value="">
            {roles.isPending ? 'Loading roles…' : assignable.length === 0 ? 'No other role' : 'Choose a role'}
          </option>
          {assignable.map((role) => (
            <option key={role.id} value={role.id}>
              {role.name}
            </option>
          ))}
        </select>
      </div>
      <ActionButton
        type="submit"
        scope="applications:write"
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
