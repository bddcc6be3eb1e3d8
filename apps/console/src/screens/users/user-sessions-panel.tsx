import type { UserSession } from '@realmkit/sdk';
import { useState } from 'react';
import { messageOf } from '../../api/errors.ts';
import { SESSIONS_PER_PAGE, useEndSession, useEndSessions, useUserSessions } from '../../api/users.ts';
import { FormAlert, StatusMessage } from '../../components/alerts.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { DataTable, Pager, rangeSummary } from '../../components/data-table.tsx';
import { ListError } from '../../components/query-state.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { useRealmName } from '../realm-context.tsx';
import { describeUserAgent } from './user-agent.ts';

/** The user's live sessions (one per browser signed in): end one, or all of them. */
export function UserSessionsPanel({ userId }: { userId: string }) {
  const realm = useRealmName();
  const [page, setPage] = useState(1);
  const sessions = useUserSessions(realm, userId, page, { enabled: true });
  const endOne = useEndSession(realm, userId);
  const endAll = useEndSessions(realm, userId);
  const [confirmingAll, setConfirmingAll] = useState(false);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<unknown>();

  const rows = sessions.data?.data;
  const meta = sessions.data?.meta;

  const onEnd = async (session: UserSession) => {
    setStatus('');
    setProblem(undefined);
    try {
      await endOne.mutateAsync(session.id);
      setStatus(
        `Ended the session of ${describeUserAgent(session.user_agent)}${session.ip ? ` from ${session.ip}` : ''}.`,
      );
      // The page may now be empty: go back one.
      if (page > 1 && rows?.length === 1) setPage(page - 1);
    } catch (error) {
      setProblem(error);
    }
  };

  return (
    <section className="panel" aria-labelledby="user-sessions-title">
      <h2 id="user-sessions-title">Sessions</h2>
      <ListError error={sessions.error} what="the sessions" />
      <DataTable<UserSession>
        caption="Live sessions, newest first"
        rows={rows}
        rowKey={(session) => session.id}
        isLoading={sessions.isPending}
        isFetching={sessions.isFetching}
        columns={[
          {
            header: 'Device',
            isRowHeader: true,
            className: 'cell-wrap',
            cell: (session) => (
              <>
                {describeUserAgent(session.user_agent)}
                {session.user_agent && (
                  <details>
                    <summary>
                      User agent<span className="visually-hidden"> of this session</span>
                    </summary>
                    <code>{session.user_agent}</code>
                  </details>
                )}
              </>
            ),
          },
          { header: 'IP address', cell: (session) => session.ip ?? '—' },
          {
            header: 'Signed in',
            className: 'cell-nowrap',
            cell: (session) => <Timestamp value={session.created_at} />,
          },
          {
            header: 'Last seen',
            className: 'cell-nowrap',
            cell: (session) => <Timestamp value={session.last_seen_at} />,
          },
          {
            header: 'Applications',
            cell: (session) => session.applications.map((application) => application.name).join(', ') || '—',
          },
          {
            header: 'Actions',
            cell: (session) => (
              <ActionButton
                scope="users:write"
                className="button-small"
                pending={endOne.isPending && endOne.variables === session.id}
                pendingLabel="Ending…"
                onClick={() => void onEnd(session)}
              >
                End session
                <span className="visually-hidden">
                  {' '}
                  of {describeUserAgent(session.user_agent)}
                  {session.ip ? ` from ${session.ip}` : ''}
                </span>
              </ActionButton>
            ),
          },
        ]}
        empty={<p>The user is not signed in anywhere.</p>}
        pager={
          meta &&
          meta.total > SESSIONS_PER_PAGE && (
            <Pager
              label="sessions"
              summary={rangeSummary((page - 1) * SESSIONS_PER_PAGE + 1, rows?.length ?? 0, meta.total)}
              onPrevious={page > 1 ? () => setPage(page - 1) : undefined}
              onNext={page * SESSIONS_PER_PAGE < meta.total ? () => setPage(page + 1) : undefined}
            />
          )
        }
      />
      <div className="actions">
        <ActionButton
          scope="users:write"
          variant="danger"
          disabled={!meta || meta.total === 0}
          onClick={() => {
            endAll.reset();
            setConfirmingAll(true);
          }}
        >
          End all sessions
        </ActionButton>
      </div>
      {problem !== undefined && <FormAlert>{messageOf(problem)}</FormAlert>}
      <StatusMessage>{status}</StatusMessage>
      <ConfirmDialog
        open={confirmingAll}
        title="End every session of this user?"
        confirmLabel="End all sessions"
        pending={endAll.isPending}
        error={endAll.error ? <FormAlert>{messageOf(endAll.error)}</FormAlert> : undefined}
        onCancel={() => setConfirmingAll(false)}
        onConfirm={() =>
          endAll.mutate(undefined, {
            onSuccess: () => {
              setConfirmingAll(false);
              setPage(1);
              setStatus('Ended every session; the refresh tokens given in them are revoked.');
            },
          })
        }
      >
        <p>The user is signed out everywhere, and every refresh token they hold is revoked.</p>
      </ConfirmDialog>
    </section>
  );
}
