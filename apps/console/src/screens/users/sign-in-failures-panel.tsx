import { useState } from 'react';
import { messageOf } from '../../api/errors.ts';
import { useClearSignInFailures, useSignInFailures } from '../../api/users.ts';
import { FormAlert, StatusMessage } from '../../components/alerts.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { useRealmName } from '../realm-context.tsx';

/** What the server counts of the user's failed sign-ins, and clearing it (no address waits any longer). */
export function SignInFailuresPanel({ userId }: { userId: string }) {
  const realm = useRealmName();
  const failures = useSignInFailures(realm, userId, { enabled: true });
  const clear = useClearSignInFailures(realm, userId);
  const [status, setStatus] = useState('');

  return (
    <section className="panel" aria-labelledby="sign-in-failures-title">
      <h2 id="sign-in-failures-title">Failed sign-ins</h2>
      <QueryState query={failures} what="the failed sign-ins">
        {(counted) => (
          <>
            <dl className="details-list">
              <dt>Failed sign-ins</dt>
              <dd>{counted.failures}</dd>
              <dt>Last failure</dt>
              <dd>
                <Timestamp value={counted.last_failure_at} empty="None counted" />
              </dd>
              <dt>Delayed until</dt>
              <dd>
                <Timestamp value={counted.delayed_until} empty="No delay" />
              </dd>
              <dt>Count forgotten at</dt>
              <dd>
                <Timestamp value={counted.reset_at} />
              </dd>
            </dl>
            <div className="actions">
              <ActionButton
                scope="users:write"
                disabled={counted.failures === 0}
                pending={clear.isPending}
                pendingLabel="Clearing…"
                onClick={() => {
                  setStatus('');
                  clear.mutate(undefined, { onSuccess: () => setStatus('Cleared: the count starts from zero.') });
                }}
              >
                Clear failed sign-ins
              </ActionButton>
            </div>
          </>
        )}
      </QueryState>
      {clear.error && <FormAlert>{messageOf(clear.error)}</FormAlert>}
      <StatusMessage>{status}</StatusMessage>
    </section>
  );
}
