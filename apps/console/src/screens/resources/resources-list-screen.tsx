import type { Resource } from '@realmkit/sdk';
import { useRef, useState } from 'react';
import { Link } from 'wouter';
import { useResources } from '../../api/resources.ts';
import { DataTable, Pager, rangeSummary } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ListError } from '../../components/query-state.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { SearchField } from '../../components/search-field.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { useDebouncedValue } from '../../hooks/use-debounced-value.ts';
import { useRealmName } from '../realm-context.tsx';
import { CreateResourceForm } from './create-resource-form.tsx';
import { describeSeconds } from './duration.ts';
import { BuiltInBadge } from './resource-badges.tsx';

const PER_PAGE = 20;

/** The realm's API resources (the built-in Management API first, then newest first), searched and paged. */
export function ResourcesListScreen() {
  const realm = useRealmName();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const debouncedSearch = useDebouncedValue(search.trim());
  const resources = useResources(realm, {
    page,
    per_page: PER_PAGE,
    ...(debouncedSearch ? { search: debouncedSearch } : {}),
  });
  const createButton = useRef<HTMLButtonElement>(null);

  const meta = resources.data?.meta;
  const rows = resources.data?.data;
  return (
    <>
      <PageHeader title="API resources" context={realm}>
        <ActionButton
          ref={createButton}
          scope="resources:write"
          variant="primary"
          aria-expanded={creating}
          onClick={() => setCreating((open) => !open)}
        >
          New API resource
        </ActionButton>
      </PageHeader>
      <p className="notice">
        An API resource is one of your APIs: its indicator is the audience of the access tokens issued for it, and its
        scopes are what roles grant.
      </p>
      {creating && (
        <CreateResourceForm
          onCancel={() => {
            setCreating(false);
            createButton.current?.focus();
          }}
        />
      )}
      <div className="toolbar">
        <SearchField
          label="Search API resources"
          hint="Matches the name and the indicator."
          value={search}
          onChange={(value) => {
            setSearch(value);
            setPage(1);
          }}
        />
      </div>
      <ListError error={resources.error} what="the API resources" />
      <DataTable<Resource>
        caption={debouncedSearch ? `API resources matching “${debouncedSearch}”` : 'API resources'}
        rows={rows}
        rowKey={(resource) => resource.id}
        isLoading={resources.isPending}
        isFetching={resources.isFetching}
        columns={[
          {
            header: 'Name',
            isRowHeader: true,
            className: 'cell-wrap',
            cell: (resource) => (
              <>
                <Link href={`/${resource.id}`}>{resource.name}</Link> <BuiltInBadge resource={resource} />
              </>
            ),
          },
          { header: 'Indicator', className: 'cell-wrap', cell: (resource) => <code>{resource.indicator}</code> },
          { header: 'Access token lifetime', cell: (resource) => describeSeconds(resource.access_token_ttl) },
          {
            header: 'Created',
            className: 'cell-nowrap',
            cell: (resource) => <Timestamp value={resource.created_at} />,
          },
        ]}
        empty={
          debouncedSearch ? (
            <p>No API resource matches “{debouncedSearch}”.</p>
          ) : (
            <>
              <p>This realm has no API resources yet.</p>
              <ActionButton scope="resources:write" variant="primary" onClick={() => setCreating(true)}>
                Create an API resource
              </ActionButton>
            </>
          )
        }
        pager={
          meta && (
            <Pager
              label="API resources"
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
