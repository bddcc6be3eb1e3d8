import type { Application, Role } from '@realmkit/sdk';
import { useState } from 'react';
import {
  APPLICATION_ROLES_PER_PAGE,
  useApplicationRoles,
  useAssignApplicationRole,
  useRemoveApplicationRole,
} from '../../api/applications.ts';
import { messageOf } from '../../api/errors.ts';
import { FormAlert, StatusMessage } from '../../components/alerts.tsx';
import { AssignRoleForm } from '../../components/assign-role-form.tsx';
import { DataTable, Pager, rangeSummary } from '../../components/data-table.tsx';
import { ListError } from '../../components/query-state.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
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
  const assign = useAssignApplicationRole(realm, application.id);
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
            realm={realm}
            scope="applications:write"
            assign={assign}
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
