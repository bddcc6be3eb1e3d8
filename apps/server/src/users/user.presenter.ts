import type { SignInFailures, User as UserBody } from '@realmkit/contract';
import type { SignInFailureState } from '../rate-limits/login-guessing.service.ts';
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

/** What the login's counters hold of a user's failed sign-ins, as `GET /users/{id}/sign-in-failures` answers it. */
export function presentSignInFailures(state: SignInFailureState): SignInFailures {
  return {
    failures: state.failures,
    last_failure_at: state.lastFailureAt?.toISOString() ?? null,
    reset_at: state.resetAt?.toISOString() ?? null,
    delayed_until: state.delayedUntil?.toISOString() ?? null,
  };
}
