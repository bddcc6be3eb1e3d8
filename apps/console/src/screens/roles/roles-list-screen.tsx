import type { Role } from '@realmkit/sdk';
import { useRef, useState } from 'react';
import { Link } from 'wouter';
import { useRoles } from '../../api/roles.ts';
import { DataTable, Pager, rangeSummary } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ListError } from '../../components/query-state.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { SearchField } from '../../components/search-field.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { useDebouncedValue } from '../../hooks/use-debounced-value.ts';
import { useRealmName } from '../realm-context.tsx';
import { CreateRoleForm } from './create-role-form.tsx';

const PER_PAGE = 20;

/** The realm's roles, by name, searched as the admin types; a new one. */
export function RolesListScreen() {
  const realm = useRealmName();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const debouncedSearch = useDebouncedValue(search.trim());
  const roles = useRoles(realm, { page, per_page: PER_PAGE, ...(debouncedSearch ? { search: debouncedSearch } : {}) });
  const createButton = useRef<HTMLButtonElement>(null);

  const meta = roles.data?.meta;
  const rows = roles.data?.data;
  return (
    <>
      <PageHeader title="Roles" context={realm}>
        <ActionButton
          ref={createButton}
          scope="roles:write"
          variant="primary"
          aria-expanded={creating}
          onClick={() => setCreating((open) => !open)}
        >
          New role
        </ActionButton>
      </PageHeader>
      {creating && (
        <CreateRoleForm
          onCancel={() => {
            setCreating(false);
            createButton.current?.focus();
          }}
        />
      )}
      <div className="toolbar">
        <SearchField
          label="Search roles"
          hint="Matches the name and the description, as you type."
          value={search}
          onChange={(value) => {
            setSearch(value);
            setPage(1);
          }}
        />
      </div>
      <ListError error={roles.error} what="the roles" />
      <DataTable<Role>
        caption={debouncedSearch ? `Roles matching “${debouncedSearch}”` : 'Roles, by name'}
        rows={rows}
        rowKey={(role) => role.id}
        isLoading={roles.isPending}
        isFetching={roles.isFetching}
        columns={[
          {
            header: 'Name',
            isRowHeader: true,
            cell: (role) => <Link href={`/${role.id}`}>{role.name}</Link>,
          },
          { header: 'Description', className: 'cell-wrap', cell: (role) => role.description ?? '—' },
          { header: 'Created', className: 'cell-nowrap', cell: (role) => <Timestamp value={role.created_at} /> },
        ]}
        empty={
          debouncedSearch ? (
            <p>No role matches “{debouncedSearch}”.</p>
          ) : (
            <>
              <p>This realm has no roles yet. A role is a set of scopes that users and applications hold.</p>
              <ActionButton scope="roles:write" variant="primary" onClick={() => setCreating(true)}>
                Create a role
              </ActionButton>
            </>
          )
        }
        pager={
          meta && (
            <Pager
              label="roles"
              summary={rangeSummary((meta.current_page - 1) * meta.per_page + 1, rows?.length ?? 0, meta.total)}
              onPrevious={page > 1 ? () => setPage(page - 1) : undefined}
              onNext={meta.current_page * meta.per_page < meta.total ? () => setPage(page + 1) : undefined}
            />
          )
        }
      />
    </>
  );
}
