import type { AuditLog } from '@realmkit/sdk';
import { useMemo, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { useAuditLogs } from '../../api/audit-logs.ts';
import { DataTable, Pager, rangeSummary } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ListError } from '../../components/query-state.tsx';
import { useRealmName } from '../realm-context.tsx';
import { AuditEntryDetails, EntryTime, shortId, targetPath, useActorUserPath } from './audit-entry.tsx';
import { AuditLogFilters } from './audit-log-filters.tsx';
import { type AuditFilters, FILTER_NAMES, filtersOf, pageOf, problemsOf, queryOf, searchOf } from './filters.ts';

const PER_PAGE = 25;

/**
 * `/realms/:realm/audit-log`: the realm's record of writes and sign-ins, newest first, paged.
 * The filters and the page live in the address (`?action=user.created&page=2`).
 */
export default function AuditLogScreen() {
  const realm = useRealmName();
  const search = useSearch();
  const [, navigate] = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const filters = useMemo(() => filtersOf(params), [params]);
  const page = pageOf(params);
  const valid = Object.keys(problemsOf(filters)).length === 0;
  const entries = useAuditLogs(realm, { page, per_page: PER_PAGE, ...queryOf(filters) }, { enabled: valid });
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const filtered = FILTER_NAMES.some((name) => filters[name] !== '');
  const apply = (next: AuditFilters) => navigate(searchOf(next));
  const rows = entries.data?.data;
  const meta = entries.data?.meta;

  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <>
      <PageHeader title="Audit log" context={realm}>
        <button
          type="button"
          className="button button-secondary"
          disabled={!valid || entries.isFetching}
          onClick={() => void entries.refetch()}
        >
          {entries.isFetching && !entries.isPending ? 'Refreshing…' : 'Refresh'}
        </button>
      </PageHeader>
      <p className="notice">
        Every Management API write of this realm, successful or not, and every sign-in: who did it, what, to what, and
        the request id to find it in the server logs. Never the values sent.
      </p>
      <AuditLogFilters applied={filters} onApply={apply} />
      {!valid ? (
        <p className="notice">Correct the filters above to see the entries.</p>
      ) : (
        <>
          <ListError error={entries.error} what="the audit log" />
          <DataTable<AuditLog>
            caption={filtered ? 'Entries matching the filters, newest first' : 'Entries, newest first'}
            rows={rows}
            rowKey={(entry) => entry.id}
            isLoading={entries.isPending}
            isFetching={entries.isFetching}
            expansion={(entry) =>
              expanded.has(entry.id) ? <AuditEntryDetails entry={entry} id={detailsId(entry)} realm={realm} /> : null
            }
            columns={[
              {
                header: 'Time',
                isRowHeader: true,
                className: 'cell-nowrap',
                cell: (entry) => (
                  <button
                    type="button"
                    className="disclosure"
                    aria-expanded={expanded.has(entry.id)}
                    aria-controls={expanded.has(entry.id) ? detailsId(entry) : undefined}
                    onClick={() => toggle(entry.id)}
                  >
                    <span className="disclosure-icon" aria-hidden="true" />
                    <EntryTime value={entry.created_at} />
                    <span className="visually-hidden">, details</span>
                  </button>
                ),
              },
              { header: 'Actor', cell: (entry) => <ActorCell entry={entry} realm={realm} /> },
              { header: 'Action', cell: (entry) => <code>{entry.action}</code> },
              {
                header: 'Target',
                className: 'cell-nowrap',
                cell: (entry) => <TargetCell entry={entry} realm={realm} />,
              },
              {
                header: 'Status',
                className: 'cell-nowrap',
                cell: (entry) =>
                  entry.outcome === 'success' ? (
                    <span className="badge badge-success">{entry.status}</span>
                  ) : (
                    <span className="badge badge-warning">{entry.status} failed</span>
                  ),
              },
              { header: 'Request id', cell: (entry) => <code>{shortId(entry.request.id)}</code> },
            ]}
            empty={
              filtered ? (
                <>
                  <p>No entry matches these filters.</p>
                  <button type="button" className="button button-secondary" onClick={() => navigate('')}>
                    Show every entry
                  </button>
                </>
              ) : (
                <p>Nothing is recorded yet: writes and sign-ins in this realm will appear here.</p>
              )
            }
            pager={
              meta && (
                <Pager
                  label="audit log entries"
                  summary={rangeSummary((meta.current_page - 1) * meta.per_page + 1, rows?.length ?? 0, meta.total)}
                  onPrevious={page > 1 ? () => navigate(searchOf(filters, page - 1)) : undefined}
                  onNext={
                    meta.current_page * meta.per_page < meta.total
                      ? () => navigate(searchOf(filters, page + 1))
                      : undefined
                  }
                />
              )
            }
          />
        </>
      )}
    </>
  );
}

const detailsId = (entry: AuditLog) => `audit-entry-${entry.id}`;

/** Who acted: the user (linked when the admin manages their realm) or the application, by client id. */
function ActorCell({ entry, realm }: { entry: AuditLog; realm: string }) {
  const userPath = useActorUserPath(entry);
  const otherRealm = entry.actor.realm_name !== realm ? ` (${entry.actor.realm_name})` : '';
  if (entry.actor.type === 'user') {
    return (
      <>
        User{' '}
        {entry.actor.user_id ? (
          userPath ? (
            <Link href={userPath}>
              <code>{shortId(entry.actor.user_id)}</code>
            </Link>
          ) : (
            <code>{shortId(entry.actor.user_id)}</code>
          )
        ) : (
          '(unknown)'
        )}
        {otherRealm}
        <br />
        <span className="cell-secondary">
          via <code>{entry.actor.client_id}</code>
        </span>
      </>
    );
  }
  return (
    <>
      Client <code>{entry.actor.client_id}</code>
      {otherRealm}
    </>
  );
}

function TargetCell({ entry, realm }: { entry: AuditLog; realm: string }) {
  const path = targetPath(realm, entry);
  return (
    <>
      {entry.target.type}{' '}
      {entry.target.id &&
        (path ? (
          <Link href={path}>
            <code>{shortId(entry.target.id)}</code>
          </Link>
        ) : (
          <code>{shortId(entry.target.id)}</code>
        ))}
    </>
  );
}
