import type { TokenResponse } from '@realmkit/contract';
import { OAuthError } from '../../oauth-protocol/oauth-error.ts';
import type { GrantContext } from './grant.ts';
import { issueUserTokens } from './user-tokens.ts';

/** RFC 6749 §6. */
export const parameters = ['refresh_token', 'scope'] as const;

/**
 * `refresh_token` (RFC 6749 §6): new tokens for the same grant, and a new refresh token; the one
 * presented is used up (RFC 9700 §4.14.2 rotation), and presenting it again revokes its family.
 * `scope` may narrow the access token's scopes, never widen them.
 */
export async function handler({
  realm,
  client,
  params,
  services,
  dpop,
}: GrantContext<(typeof parameters)[number]>): Promise<TokenResponse> {
  if (!params.refresh_token) throw new OAuthError('invalid_request', 'The refresh_token parameter is required');
  // Only this client's token is used up: another client cannot spend it (§6).
  // RFC 9449 §5: a refresh token bound to a key is used only with a proof of that key.
  const rotation = await services.store.rotate(realm.id, client.id, params.refresh_token, dpop?.jkt ?? null);
  if (rotation.status === 'wrong_key') {
    throw new OAuthError(
      'invalid_dpop_proof',
      dpop
        ? 'The refresh token is bound to another DPoP key'
        : 'The refresh token is bound to a DPoP key: send a proof',
    );
  }
  if (rotation.status === 'reused') {
    throw new OAuthError('invalid_grant', 'The refresh token was already used; every token of this sign-in is revoked');
  }
  if (rotation.status === 'invalid')
    throw new OAuthError('invalid_grant', 'The refresh token is invalid, expired or revoked');
  const { grant } = rotation;
  const scopes = grant.scope.split(' ').filter(Boolean);
  const requested = params.scope === undefined ? undefined : params.scope.split(' ').filter(Boolean);
  if (requested?.some((scope) => !scopes.includes(scope))) {
    throw new OAuthError('invalid_scope', 'The scope asks for more than the refresh token grants');
  }
  const user = await services.users.findActive(realm.id, grant.userId);
  if (!user) {
    await services.store.revokeFamily(realm.id, grant.familyId);
    throw new OAuthError('invalid_grant', 'The user is suspended or no longer exists');
  }
  return issueUserTokens(services, {
    realm,
    client,
    user,
    scopes,
    ...(requested && requested.length > 0 ? { requested } : {}),
    resource: grant.resource,
    sessionId: grant.sessionId,
    authTime: grant.authTime,
    nonce: null,
    familyId: grant.familyId,
    refreshToken: rotation.successor,
    dpop,
  });
}
