import type { User } from '@realmkit/sdk';
import { useRef, useState } from 'react';
import { Link } from 'wouter';
import { useUsers } from '../../api/users.ts';
import { DataTable, Pager, rangeSummary } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ListError } from '../../components/query-state.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { SearchField } from '../../components/search-field.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { useDebouncedValue } from '../../hooks/use-debounced-value.ts';
import { useRealmName } from '../realm-context.tsx';
import { CreateUserForm } from './create-user-form.tsx';
import { UserBadges } from './user-badges.tsx';

const PER_PAGE = 20;

/**
 * The realm's users, newest first, searched as the admin types. Pages go by keyset (`after` =
 * the previous page's `meta.next_after`), so the millionth user costs what the first does;
 * Previous goes back through the cursors of the pages seen, kept for the current search.
 */
export function UsersListScreen() {
  const realm = useRealmName();
  const [search, setSearch] = useState('');
  const debouncedSearch = useDebouncedValue(search.trim());
  // The `after` of each page past the first, for this search; another search starts again.
  const [paging, setPaging] = useState<{ search: string; cursors: string[] }>({ search: '', cursors: [] });
  const cursors = paging.search === debouncedSearch ? paging.cursors : [];
  const after = cursors.at(-1);
  const [creating, setCreating] = useState(false);
  const createButton = useRef<HTMLButtonElement>(null);

  const users = useUsers(realm, {
    per_page: PER_PAGE,
    ...(debouncedSearch ? { search: debouncedSearch } : {}),
    ...(after ? { after } : {}),
  });
  const rows = users.data?.data;
  const meta = users.data?.meta;
  const nextAfter = meta?.next_after;

  return (
    <>
      <PageHeader title="Users" context={realm}>
        <ActionButton
          ref={createButton}
          scope="users:write"
          variant="primary"
          aria-expanded={creating}
          onClick={() => setCreating((open) => !open)}
        >
          New user
        </ActionButton>
      </PageHeader>
      {creating && (
        <CreateUserForm
          onCancel={() => {
            setCreating(false);
            createButton.current?.focus();
          }}
        />
      )}
      <div className="toolbar">
        <SearchField
          label="Search users"
          hint="Matches the email, the username and the name, as you type."
          value={search}
          onChange={setSearch}
        />
      </div>
      <ListError error={users.error} what="the users" />
      <DataTable<User>
        caption={debouncedSearch ? `Users matching “${debouncedSearch}”` : 'Users, newest first'}
        rows={rows}
        rowKey={(user) => user.id}
        isLoading={users.isPending}
        isFetching={users.isFetching}
        columns={[
          {
            header: 'Email',
            isRowHeader: true,
            className: 'cell-wrap',
            cell: (user) => <Link href={`/${user.id}`}>{user.email}</Link>,
          },
          { header: 'Username', cell: (user) => user.username ?? '—' },
          { header: 'Name', cell: (user) => user.name ?? '—' },
          { header: 'Status', cell: (user) => <UserBadges user={user} /> },
          { header: 'Created', className: 'cell-nowrap', cell: (user) => <Timestamp value={user.created_at} /> },
        ]}
        empty={
          debouncedSearch ? (
            <p>No user matches “{debouncedSearch}”.</p>
          ) : (
            <>
              <p>This realm has no users yet.</p>
              <ActionButton scope="users:write" variant="primary" onClick={() => setCreating(true)}>
                Create a user
              </ActionButton>
            </>
          )
        }
        pager={
          meta && (
            <Pager
              label="users"
              summary={rangeSummary(cursors.length * PER_PAGE + 1, rows?.length ?? 0, meta.total)}
              onPrevious={
                cursors.length > 0
                  ? () => setPaging({ search: debouncedSearch, cursors: cursors.slice(0, -1) })
                  : undefined
              }
              onNext={
                nextAfter ? () => setPaging({ search: debouncedSearch, cursors: [...cursors, nextAfter] }) : undefined
              }
            />
          )
        }
      />
    </>
  );
}
