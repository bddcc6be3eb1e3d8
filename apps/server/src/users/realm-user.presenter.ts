import type { RealmUser } from '@realmkit/contract';
import type { User } from './user.entity.ts';

/** A user as the users API by realm name shows it. */
export function presentRealmUser(user: User, realmName: string): RealmUser {
  return {
    id: user.id,
    realmName,
    username: user.username ?? null,
    email: user.email,
    firstName: user.givenName ?? null,
    lastName: user.familyName ?? null,
    enabled: !user.isSuspended,
    emailVerified: user.emailVerified,
    createdAt: user.createdAt.toISOString(),
  };
}
