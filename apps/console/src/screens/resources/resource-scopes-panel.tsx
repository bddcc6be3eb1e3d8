import type { Resource, Scope } from '@realmkit/sdk';
import { useRef, useState } from 'react';
import { messageOf } from '../../api/errors.ts';
import { useDeleteScope, useResourceScopes } from '../../api/resources.ts';
import { FormAlert, StatusMessage } from '../../components/alerts.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { DataTable, Pager, rangeSummary } from '../../components/data-table.tsx';
import { ListError } from '../../components/query-state.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { SearchField } from '../../components/search-field.tsx';
import { useDebouncedValue } from '../../hooks/use-debounced-value.ts';
import { useRealmName } from '../realm-context.tsx';
import { AddScopeForm, EditScopeForm } from './scope-forms.tsx';

const PER_PAGE = 20;

/** The id of a scope's Edit button, where focus goes back when its form closes. */
const editButtonId = (scope: Scope) => `edit-scope-${scope.id}`;

/** The resource's scopes, by name: add, edit, delete (none of them for the built-in Management API). */
export function ResourceScopesPanel({ resource }: { resource: Resource }) {
  const realm = useRealmName();
  const readOnly = resource.is_management_api;
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const debouncedSearch = useDebouncedValue(search.trim());
  const scopes = useResourceScopes(realm, resource.id, {
    page,
    per_page: PER_PAGE,
    ...(debouncedSearch ? { search: debouncedSearch } : {}),
  });
  const remove = useDeleteScope(realm, resource.id);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Scope>();
  const [deleting, setDeleting] = useState<Scope>();
  const [status, setStatus] = useState('');
  const addButton = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const rows = scopes.data?.data;
  const meta = scopes.data?.meta;

  const closeEdit = (scope: Scope) => {
    setEditing(undefined);
    requestAnimationFrame(() => document.getElementById(editButtonId(scope))?.focus());
  };

  return (
    <section className="panel" aria-labelledby="resource-scopes-title">
      <h2 id="resource-scopes-title" ref={heading} tabIndex={-1}>
        Scopes
      </h2>
      {readOnly && (
        <p className="notice">The Management API's scopes: what a role can let its holders do with this realm.</p>
      )}
      <div className="toolbar">
        <SearchField
          label="Search scopes"
          hint="Matches the name and the description."
          value={search}
          onChange={(value) => {
            setSearch(value);
            setPage(1);
          }}
        />
        {!readOnly && (
          <ActionButton
            ref={addButton}
            scope="resources:write"
            aria-expanded={adding}
            onClick={() => {
              setStatus('');
              setAdding((open) => !open);
            }}
          >
            Add scope
          </ActionButton>
        )}
      </div>
      {adding && (
        <AddScopeForm
          resourceId={resource.id}
          onClose={() => {
            setAdding(false);
            addButton.current?.focus();
          }}
        />
      )}
      <ListError error={scopes.error} what="the scopes" />
      <DataTable<Scope>
        caption={debouncedSearch ? `Scopes matching “${debouncedSearch}”` : `Scopes of ${resource.name}, by name`}
        rows={rows}
        rowKey={(scope) => scope.id}
        isLoading={scopes.isPending}
        isFetching={scopes.isFetching}
        columns={[
          { header: 'Name', isRowHeader: true, className: 'cell-wrap', cell: (scope) => <code>{scope.name}</code> },
          { header: 'Description', className: 'cell-wrap', cell: (scope) => scope.description || '—' },
          ...(readOnly
            ? []
            : [
                {
                  header: 'Actions',
                  className: 'cell-nowrap',
                  cell: (scope: Scope) => (
                    <span className="row-actions">
                      <ActionButton
                        id={editButtonId(scope)}
                        scope="resources:write"
                        className="button-small"
                        aria-expanded={editing?.id === scope.id}
                        onClick={() => {
                          setStatus('');
                          setEditing(scope);
                        }}
                      >
                        Edit<span className="visually-hidden"> the scope {scope.name}</span>
                      </ActionButton>
                      <ActionButton
                        scope="resources:write"
                        variant="danger"
                        className="button-small"
                        onClick={() => {
                          setStatus('');
                          remove.reset();
                          setDeleting(scope);
                        }}
                      >
                        Delete<span className="visually-hidden"> the scope {scope.name}</span>
                      </ActionButton>
                    </span>
                  ),
                },
              ]),
        ]}
        empty={
          debouncedSearch ? (
            <p>No scope matches “{debouncedSearch}”.</p>
          ) : (
            <>
              <p>This API resource has no scopes yet.</p>
              {!readOnly && (
                <ActionButton scope="resources:write" variant="primary" onClick={() => setAdding(true)}>
                  Add a scope
                </ActionButton>
              )}
            </>
          )
        }
        pager={
          meta &&
          meta.total > PER_PAGE && (
            <Pager
              label="scopes"
              summary={rangeSummary((meta.current_page - 1) * meta.per_page + 1, rows?.length ?? 0, meta.total)}
              onPrevious={page > 1 ? () => setPage(page - 1) : undefined}
              onNext={meta.current_page * meta.per_page < meta.total ? () => setPage(page + 1) : undefined}
            />
          )
        }
      />
      {editing && (
        <EditScopeForm
          key={editing.id}
          resourceId={resource.id}
          scope={editing}
          onSaved={(saved) => {
            setStatus(`Saved the scope ${saved.name}.`);
            closeEdit(saved);
          }}
          onCancel={() => closeEdit(editing)}
        />
      )}
      <StatusMessage>{status}</StatusMessage>
      <ConfirmDialog
        open={deleting !== undefined}
        title={`Delete the scope ${deleting?.name ?? ''}?`}
        confirmLabel="Delete scope"
        pending={remove.isPending}
        error={remove.error ? <FormAlert>{messageOf(remove.error)}</FormAlert> : undefined}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => {
          if (!deleting) return;
          remove.mutate(deleting.id, {
            onSuccess: () => {
              setDeleting(undefined);
              if (editing?.id === deleting.id) setEditing(undefined);
              setStatus(`Deleted the scope ${deleting.name}.`);
              // The page may now be empty: go back one.
              if (page > 1 && rows?.length === 1) setPage(page - 1);
              // Its Delete button is gone: focus the list's heading rather than the page's start.
              requestAnimationFrame(() => heading.current?.focus());
            },
          });
        }}
      >
        <p>
          <code>{deleting?.name}</code> leaves every role that holds it. Tokens already issued keep it until they
          expire.
        </p>
      </ConfirmDialog>
    </section>
  );
}
