import { CLAIMS_BY_SCOPE, OIDC_SCOPES, type OidcScope, type UserInfo } from '@realmkit/contract';
import type { ActiveUser } from '../users/user.service.ts';

/** Each claim's value for a user; `undefined` when the user has none (the claim is left out). */
const CLAIM_VALUES: Record<string, (user: ActiveUser) => string | number | boolean | null | undefined> = {
  sub: (user) => user.id,
  name: (user) => user.name,
  given_name: (user) => user.givenName,
  family_name: (user) => user.familyName,
  preferred_username: (user) => user.username,
  updated_at: (user) => Math.floor(user.updatedAt.getTime() / 1000),
  email: (user) => user.email,
  email_verified: (user) => user.emailVerified,
};

/** The OpenID Connect scopes among `scopes`, in the contract's order. */
export function oidcScopesOf(scopes: readonly string[]): OidcScope[] {
  return OIDC_SCOPES.filter((scope) => scopes.includes(scope));
}

/** The user's claims that `scopes` release (OIDC Core §5.4), `sub` always. */
export function userClaims(user: ActiveUser, scopes: readonly string[]): UserInfo {
  const claims: Record<string, unknown> = { sub: user.id };
  for (const scope of oidcScopesOf(scopes)) {
    for (const claim of CLAIMS_BY_SCOPE[scope]) {
      const value = CLAIM_VALUES[claim]?.(user);
      if (value !== null && value !== undefined) claims[claim] = value;
    }
  }
  return claims as UserInfo;
}
