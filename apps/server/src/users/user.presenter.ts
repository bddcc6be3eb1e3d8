import type { User as UserBody } from '@realmkit/contract';
import type { User, UserIdentity } from './user.entity.ts';

/** The API shape of a user: snake_case, never the password hash. */
export function presentUser(user: User): UserBody {
  return {
    id: user.id,
    email: user.email,
    username: user.username ?? null,
    name: user.name ?? null,
    given_name: user.givenName ?? null,
    family_name: user.familyName ?? null,
    is_suspended: user.isSuspended,
    email_verified: user.emailVerified,
    has_password: Boolean(user.passwordHash),
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

export function presentIdentity(identity: UserIdentity) {
  return {
    id: identity.id,
    provider: identity.provider,
    provider_user_id: identity.providerUserId,
    details: identity.details,
    created_at: identity.createdAt.toISOString(),
  };
}
