import type { SignInFailures, User as UserBody, UserSession } from '@realmkit/contract';
import type { SignInFailureState } from '../rate-limits/login-guessing.service.ts';
import type { User, UserIdentity } from './user.entity.ts';
import type { UserSessionRecord } from './user.service.ts';

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

/** A login session as an administrator sees it: never its secret. */
export function presentUserSession(session: UserSessionRecord): UserSession {
  return {
    id: session.id,
    created_at: session.createdAt.toISOString(),
    last_seen_at: session.lastActiveAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    ip: session.ip,
    user_agent: session.userAgent,
    applications: session.applications.map((app) => ({ id: app.id, client_id: app.clientId, name: app.name })),
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
