import type { Application } from '@realmkit/sdk';
import { useRef, useState } from 'react';
import { Link } from 'wouter';
import { useApplications } from '../../api/applications.ts';
import { DataTable, Pager, rangeSummary } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ListError } from '../../components/query-state.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { SearchField } from '../../components/search-field.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { useDebouncedValue } from '../../hooks/use-debounced-value.ts';
import { useRealmName } from '../realm-context.tsx';
import { ApplicationBadges } from './application-badges.tsx';
import { TYPE_LABELS } from './client-settings.tsx';
import { CreateApplicationForm } from './create-application-form.tsx';

const PER_PAGE = 20;

/** The realm's applications (OAuth clients), newest first, searched as the admin types; a new one. */
export function ApplicationsListScreen() {
  const realm = useRealmName();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const debouncedSearch = useDebouncedValue(search.trim());
  const applications = useApplications(realm, {
    page,
    per_page: PER_PAGE,
    ...(debouncedSearch ? { search: debouncedSearch } : {}),
  });
  const createButton = useRef<HTMLButtonElement>(null);

  const meta = applications.data?.meta;
  const rows = applications.data?.data;
  return (
    <>
      <PageHeader title="Applications" context={realm}>
        <ActionButton
          ref={createButton}
          scope="applications:write"
          variant="primary"
          aria-expanded={creating}
          onClick={() => setCreating((open) => !open)}
        >
          New application
        </ActionButton>
      </PageHeader>
      {creating && (
        <CreateApplicationForm
          onClose={() => {
            setCreating(false);
            createButton.current?.focus();
          }}
        />
      )}
      <div className="toolbar">
        <SearchField
          label="Search applications"
          hint="Matches the name, the description and the client ID, as you type."
          value={search}
          onChange={(value) => {
            setSearch(value);
            setPage(1);
          }}
        />
      </div>
      <ListError error={applications.error} what="the applications" />
      <DataTable<Application>
        caption={debouncedSearch ? `Applications matching “${debouncedSearch}”` : 'Applications, newest first'}
        rows={rows}
        rowKey={(application) => application.id}
        isLoading={applications.isPending}
        isFetching={applications.isFetching}
        columns={[
          {
            header: 'Name',
            isRowHeader: true,
            className: 'cell-wrap',
            cell: (application) => (
              <>
                <Link href={`/${application.id}`}>{application.name}</Link>{' '}
                <ApplicationBadges application={application} />
              </>
            ),
          },
          { header: 'Type', className: 'cell-nowrap', cell: (application) => TYPE_LABELS[application.type] },
          { header: 'Client ID', cell: (application) => <code>{application.client_id}</code> },
          {
            header: 'Created',
            className: 'cell-nowrap',
            cell: (application) => <Timestamp value={application.created_at} />,
          },
        ]}
        empty={
          debouncedSearch ? (
            <p>No application matches “{debouncedSearch}”.</p>
          ) : (
            <>
              <p>This realm has no applications yet.</p>
              <ActionButton scope="applications:write" variant="primary" onClick={() => setCreating(true)}>
                Create an application
              </ActionButton>
            </>
          )
        }
        pager={
          meta && (
            <Pager
              label="applications"
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
