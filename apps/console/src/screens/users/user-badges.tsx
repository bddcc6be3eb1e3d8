import type { User } from '@realmkit/sdk';

/** A user's state in words: suspended, email not verified, no password. */
export function UserBadges({ user }: { user: User }) {
  return (
    <span className="badges">
      {user.is_suspended ? (
        <span className="badge badge-warning">Suspended</span>
      ) : (
        <span className="badge">Active</span>
      )}{' '}
      {!user.email_verified && <span className="badge">Email not verified</span>}
    </span>
  );
}
