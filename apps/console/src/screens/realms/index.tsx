import type { Realm } from '@realmkit/sdk';
import { useRef, useState } from 'react';
import { Link } from 'wouter';
import { useRealms } from '../../api/realms.ts';
import { DataTable, Pager, rangeSummary } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ListError } from '../../components/query-state.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { SearchField } from '../../components/search-field.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { useDebouncedValue } from '../../hooks/use-debounced-value.ts';
import { CreateRealmForm } from './create-realm-form.tsx';

const PER_PAGE = 20;

/** `/realms`: every realm of the server (master-realm admins), searched and paged; a new one. */
export default function RealmsScreen() {
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const debouncedSearch = useDebouncedValue(search.trim());
  const query = { page, per_page: PER_PAGE, ...(debouncedSearch ? { search: debouncedSearch } : {}) };
  const realms = useRealms(query);
  const createButton = useRef<HTMLButtonElement>(null);

  const meta = realms.data?.meta;
  const rows = realms.data?.data;
  return (
    <>
      <PageHeader title="Realms">
        <ActionButton
          ref={createButton}
          scope="realms:write"
          variant="primary"
          aria-expanded={creating}
          onClick={() => setCreating((open) => !open)}
        >
          New realm
        </ActionButton>
      </PageHeader>
      {creating && (
        <CreateRealmForm
          onCancel={() => {
            setCreating(false);
            createButton.current?.focus();
          }}
        />
      )}
      <div className="toolbar">
        <SearchField
          label="Search realms"
          hint="Matches the name and the display name."
          value={search}
          onChange={(value) => {
            setSearch(value);
            setPage(1);
          }}
        />
      </div>
      <ListError error={realms.error} what="the realms" />
      <DataTable<Realm>
        caption="Realms"
        rows={rows}
        rowKey={(realm) => realm.id}
        isLoading={realms.isPending}
        isFetching={realms.isFetching}
        columns={[
          {
            header: 'Name',
            isRowHeader: true,
            cell: (realm) => <Link href={`/realms/${encodeURIComponent(realm.name)}`}>{realm.name}</Link>,
          },
          { header: 'Display name', cell: (realm) => realm.display_name ?? '—' },
          {
            header: 'Users',
            cell: (realm) => (
              <Link href={`/realms/${encodeURIComponent(realm.name)}/users`}>
                Users<span className="visually-hidden"> of {realm.name}</span>
              </Link>
            ),
          },
          { header: 'Signing algorithm', cell: (realm) => realm.signing_algorithm },
          { header: 'Created', className: 'cell-nowrap', cell: (realm) => <Timestamp value={realm.created_at} /> },
        ]}
        empty={
          debouncedSearch ? (
            <p>No realm matches “{debouncedSearch}”.</p>
          ) : (
            <>
              <p>There are no realms yet.</p>
              <ActionButton scope="realms:write" variant="primary" onClick={() => setCreating(true)}>
                Create a realm
              </ActionButton>
            </>
          )
        }
        pager={
          meta && (
            <Pager
              label="realms"
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
