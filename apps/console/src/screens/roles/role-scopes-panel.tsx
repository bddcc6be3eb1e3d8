import { MAX_PER_PAGE } from '@realmkit/contract';
import type { RoleScope, Scope } from '@realmkit/sdk';
import { type FormEvent, useId, useState } from 'react';
import { messageOf } from '../../api/errors.ts';
import {
  ROLE_SCOPES_PER_PAGE,
  useAssignScopes,
  useRemoveScope,
  useRoleScopes,
  useScopeChoiceResources,
  useScopeChoices,
} from '../../api/roles.ts';
import { useAuth } from '../../auth/auth-provider.tsx';
import { FormAlert, StatusMessage } from '../../components/alerts.tsx';
import { DataTable, Pager, rangeSummary } from '../../components/data-table.tsx';
import { ListError } from '../../components/query-state.tsx';
import { ActionButton, NeedsScope } from '../../components/scope-hint.tsx';
import { useDebouncedValue } from '../../hooks/use-debounced-value.ts';
import { useRealmName } from '../realm-context.tsx';

/**
 * The scopes the role holds, of any of the realm's API resources: remove one, or assign some,
 * picked from one API resource at a time.
 */
export function RoleScopesPanel({ roleId }: { roleId: string }) {
  const realm = useRealmName();
  const [page, setPage] = useState(1);
  const held = useRoleScopes(realm, roleId, page);
  const remove = useRemoveScope(realm, roleId);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<unknown>();

  const onRemove = async (scope: RoleScope) => {
    setStatus('');
    setProblem(undefined);
    try {
      await remove.mutateAsync(scope.id);
      setStatus(`Removed the scope ${scope.name} of ${scope.resource.name}.`);
    } catch (error) {
      setProblem(error);
    }
  };

  const meta = held.data?.meta;
  const rows = held.data?.data;
  return (
    <section className="panel" aria-labelledby="role-scopes-title">
      <h2 id="role-scopes-title">Scopes</h2>
      <ListError error={held.error} what="the role's scopes" />
      <DataTable<RoleScope>
        caption="Scopes the role holds"
        rows={rows}
        rowKey={(scope) => scope.id}
        isLoading={held.isPending}
        isFetching={held.isFetching}
        columns={[
          { header: 'Scope', isRowHeader: true, cell: (scope) => <code>{scope.name}</code> },
          { header: 'Description', className: 'cell-wrap', cell: (scope) => scope.description ?? '—' },
          {
            header: 'API resource',
            className: 'cell-wrap',
            cell: (scope) => (
              <>
                {scope.resource.name}
                <br />
                <code>{scope.resource.indicator}</code>
              </>
            ),
          },
          {
            header: 'Actions',
            cell: (scope) => (
              <ActionButton
                scope="roles:write"
                className="button-small"
                pending={remove.isPending && remove.variables === scope.id}
                pendingLabel="Removing…"
                onClick={() => void onRemove(scope)}
              >
                Remove
                <span className="visually-hidden">
                  {' '}
                  the scope {scope.name} of {scope.resource.name}
                </span>
              </ActionButton>
            ),
          },
        ]}
        empty={<p>The role holds no scope yet: assign some below.</p>}
        pager={
          meta &&
          meta.total > ROLE_SCOPES_PER_PAGE && (
            <Pager
              label="the role's scopes"
              summary={rangeSummary((meta.current_page - 1) * meta.per_page + 1, rows?.length ?? 0, meta.total)}
              onPrevious={page > 1 ? () => setPage(page - 1) : undefined}
              onNext={meta.current_page * meta.per_page < meta.total ? () => setPage(page + 1) : undefined}
            />
          )
        }
      />
      <AssignScopesForm
        roleId={roleId}
        heldIds={new Set(rows?.map((scope) => scope.id))}
        onAssigned={(names) => {
          setProblem(undefined);
          setStatus(`Assigned ${names.length === 1 ? 'the scope' : 'the scopes'} ${names.join(', ')}.`);
        }}
      />
      {problem !== undefined && <FormAlert>{messageOf(problem)}</FormAlert>}
      <StatusMessage>{status}</StatusMessage>
    </section>
  );
}

/** Scopes to assign: an API resource first (listed with resources:read), then some of its scopes. */
function AssignScopesForm({
  roleId,
  heldIds,
  onAssigned,
}: {
  roleId: string;
  heldIds: ReadonlySet<string>;
  onAssigned: (names: string[]) => void;
}) {
  const realm = useRealmName();
  const { can } = useAuth();
  const canList = can('resources:read');
  const [resourceSearch, setResourceSearch] = useState('');
  const resourceFilter = useDebouncedValue(resourceSearch.trim());
  const resources = useScopeChoiceResources(realm, resourceFilter, { enabled: canList });
  const [resourceId, setResourceId] = useState('');
  const [scopeSearch, setScopeSearch] = useState('');
  const scopeFilter = useDebouncedValue(scopeSearch.trim());
  const resource = resources.data?.data.find((candidate) => candidate.id === resourceId);
  const scopes = useScopeChoices(realm, resource?.id, scopeFilter);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const assign = useAssignScopes(realm, roleId);
  const id = useId();

  if (!canList) return <NeedsScope scope="resources:read" what="the realm's API resources and their scopes" />;

  const available = scopes.data?.data ?? [];
  const picked = available.filter((scope) => chosen.has(scope.id) && !heldIds.has(scope.id));
  const toggle = (scope: Scope, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(scope.id);
    else next.delete(scope.id);
    setChosen(next);
  };
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (picked.length === 0) return;
    await assign.mutateAsync(picked.map((scope) => scope.id)).then(
      () => {
        setChosen(new Set());
        onAssigned(picked.map((scope) => scope.name));
      },
      () => undefined,
    );
  };

  return (
    <form onSubmit={(event) => void onSubmit(event)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Assign scopes</h3>
      <div className="toolbar">
        {(resources.data?.meta.total ?? 0) > MAX_PER_PAGE || resourceSearch ? (
          <div className="field">
            <label htmlFor={`${id}-resource-filter`}>Filter API resources</label>
            <input
              id={`${id}-resource-filter`}
              type="search"
              value={resourceSearch}
              onChange={(event) => setResourceSearch(event.target.value)}
            />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-resource`}>API resource</label>
          <select
            id={`${id}-resource`}
            value={resource ? resourceId : ''}
            onChange={(event) => {
              setResourceId(event.target.value);
              setScopeSearch('');
              setChosen(new Set());
              assign.reset();
            }}
          >
            <option value="">{resources.isPending ? 'Loading API resources…' : 'Choose an API resource'}</option>
            {resources.data?.data.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name} ({candidate.indicator})
              </option>
            ))}
          </select>
        </div>
      </div>
      <ListError error={resources.error} what="the API resources" />
      {resource && (
        <fieldset className="choice-group" aria-busy={scopes.isFetching ? true : undefined}>
          <legend>Scopes of {resource.name}</legend>
          {((scopes.data?.meta.total ?? 0) > MAX_PER_PAGE || scopeSearch) && (
            <div className="field">
              <label htmlFor={`${id}-scope-filter`}>Filter scopes</label>
              <input
                id={`${id}-scope-filter`}
                type="search"
                value={scopeSearch}
                onChange={(event) => setScopeSearch(event.target.value)}
              />
            </div>
          )}
          <ListError error={scopes.error} what="the scopes" />
          {scopes.isPending ? (
            <p className="loading">Loading scopes…</p>
          ) : available.length === 0 ? (
            <p className="notice">
              {scopeFilter
                ? `No scope of ${resource.name} matches “${scopeFilter}”.`
                : `${resource.name} has no scopes yet: add them on the API resources page.`}
            </p>
          ) : (
            available.map((scope) => {
              const isHeld = heldIds.has(scope.id);
              const inputId = `${id}-scope-${scope.id}`;
              return (
                <div key={scope.id} className="field field-checkbox">
                  <input
                    id={inputId}
                    type="checkbox"
                    checked={isHeld || chosen.has(scope.id)}
                    disabled={isHeld}
                    aria-describedby={scope.description || isHeld ? `${inputId}-hint` : undefined}
                    onChange={(event) => toggle(scope, event.target.checked)}
                  />
                  <label htmlFor={inputId}>
                    <code>{scope.name}</code>
                  </label>
                  {(scope.description || isHeld) && (
                    <p id={`${inputId}-hint`} className="field-hint">
                      {[scope.description, isHeld ? 'The role holds it.' : ''].filter(Boolean).join(' · ')}
                    </p>
                  )}
                </div>
              );
            })
          )}
        </fieldset>
      )}
      <div className="actions">
        <ActionButton
          type="submit"
          scope="roles:write"
          disabled={picked.length === 0}
          pending={assign.isPending}
          pendingLabel="Assigning…"
        >
          {picked.length > 1 ? `Assign ${picked.length} scopes` : 'Assign scope'}
        </ActionButton>
      </div>
      {assign.error && <FormAlert>{messageOf(assign.error)}</FormAlert>}
    </form>
  );
}
