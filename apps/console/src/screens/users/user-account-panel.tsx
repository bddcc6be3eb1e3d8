import type { User } from '@realmkit/sdk';
import { useState } from 'react';
import { isChangedMeanwhile, messageOf } from '../../api/errors.ts';
import { useSendPasswordResetEmail, useSendVerifyEmail, useSetSuspended } from '../../api/users.ts';
import type { Versioned } from '../../api/versioned.ts';
import { ChangedMeanwhile, FormAlert, StatusMessage } from '../../components/alerts.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { useRealmName } from '../realm-context.tsx';

/** Suspending the user (over the version shown), and the two emails an admin can send. */
export function UserAccountPanel({ latest, reload }: { latest: Versioned<User>; reload: () => void }) {
  const realm = useRealmName();
  const user = latest.data;
  const suspend = useSetSuspended(realm, user.id);
  const verifyEmail = useSendVerifyEmail(realm, user.id);
  const resetEmail = useSendPasswordResetEmail(realm, user.id);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<unknown>();

  const run = async (action: () => Promise<unknown>, done: string) => {
    setStatus('');
    setProblem(undefined);
    try {
      await action();
      setStatus(done);
    } catch (error) {
      setProblem(error);
    }
  };

  return (
    <section className="panel" aria-labelledby="user-account-title">
      <h2 id="user-account-title">Account</h2>
      <dl className="details-list">
        <dt>Id</dt>
        <dd>
          <code>{user.id}</code>
        </dd>
        <dt>Status</dt>
        <dd>{user.is_suspended ? 'Suspended: cannot sign in, and their tokens no longer work' : 'Active'}</dd>
        <dt>Email</dt>
        <dd>{user.email_verified ? 'Verified' : 'Not verified'}</dd>
        <dt>Password</dt>
        <dd>{user.has_password ? 'Set' : 'None'}</dd>
        <dt>Created</dt>
        <dd>
          <Timestamp value={user.created_at} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <Timestamp value={user.updated_at} />
        </dd>
      </dl>
      <div className="actions">
        <ActionButton
          scope="users:write"
          variant={user.is_suspended ? 'secondary' : 'danger'}
          pending={suspend.isPending}
          onClick={() =>
            void run(
              () => suspend.mutateAsync({ suspended: !user.is_suspended, etag: latest.etag }),
              user.is_suspended ? 'The user can sign in again.' : 'The user is suspended.',
            )
          }
        >
          {user.is_suspended ? 'Unsuspend user' : 'Suspend user'}
        </ActionButton>
        <ActionButton
          scope="users:write"
          pending={verifyEmail.isPending}
          pendingLabel="Sending…"
          disabled={user.email_verified}
          onClick={() =>
            void run(() => verifyEmail.mutateAsync(), `A verification email is on its way to ${user.email}.`)
          }
        >
          Send verification email
        </ActionButton>
        <ActionButton
          scope="users:write"
          pending={resetEmail.isPending}
          pendingLabel="Sending…"
          onClick={() =>
            void run(() => resetEmail.mutateAsync(), `A password reset email is on its way to ${user.email}.`)
          }
        >
          Send password reset email
        </ActionButton>
      </div>
      {problem !== undefined &&
        (isChangedMeanwhile(problem) ? (
          <ChangedMeanwhile
            what="user"
            onReload={() => {
              setProblem(undefined);
              reload();
            }}
          />
        ) : (
          <FormAlert>{messageOf(problem)}</FormAlert>
        ))}
      <StatusMessage>{status}</StatusMessage>
    </section>
  );
}
