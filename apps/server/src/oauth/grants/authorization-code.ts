import { MAX_ACCESS_TOKEN_TTL, type TokenResponse } from '@realmkit/contract';
import { OAuthError } from '../../oauth-protocol/oauth-error.ts';
import { verifiesS256 } from '../../oauth-protocol/pkce.ts';
import type { GrantContext } from './grant.ts';
import { issueUserTokens } from './user-tokens.ts';

/** RFC 6749 §4.1.3, RFC 7636 §4.5. */
export const parameters = ['code', 'redirect_uri', 'code_verifier'] as const;

/**
 * `authorization_code` (RFC 6749 §4.1.3): the code the authorization endpoint gave, by the client
 * it was given to, with the same redirect URI and the PKCE verifier of its challenge. A code works
 * once: presented again, it fails and revokes what its exchange issued (§4.1.2).
 */
export async function handler({
  realm,
  client,
  params,
  services,
  dpop,
}: GrantContext<(typeof parameters)[number]>): Promise<TokenResponse> {
  for (const name of parameters) {
    if (!params[name]) throw new OAuthError('invalid_request', `The ${name} parameter is required`);
  }
  const redemption = await services.codes.redeem(realm.id, params.code as string);
  if (redemption.status === 'reused') {
    const { code } = redemption;
    const usedAt = code.consumedAt ?? new Date();
    await Promise.all([
      services.store.revokeFamily(realm.id, code.id),
      services.store.revokeAccessToken(realm.id, code.id, new Date(usedAt.getTime() + MAX_ACCESS_TOKEN_TTL * 1000)),
    ]);
    throw new OAuthError('invalid_grant', 'The authorization code was already used; the tokens it gave are revoked');
  }
  if (redemption.status === 'invalid')
    throw new OAuthError('invalid_grant', 'The authorization code is invalid or expired');
  const { code } = redemption;
  if (code.applicationId !== client.id) throw new OAuthError('invalid_grant', 'The code was issued to another client');
  // §4.1.3: identical to the authorization request's redirect_uri.
  if (code.redirectUri !== params.redirect_uri) {
    throw new OAuthError('invalid_grant', 'The redirect_uri is not the one of the authorization request');
  }
  if (!verifiesS256(params.code_verifier as string, code.codeChallenge)) {
    throw new OAuthError('invalid_grant', 'The code_verifier does not match the code_challenge');
  }
  const user = await services.users.findActive(realm.id, code.userId);
  if (!user) throw new OAuthError('invalid_grant', 'The user is suspended or no longer exists');
  return issueUserTokens(services, {
    realm,
    client,
    user,
    scopes: code.scope.split(' ').filter(Boolean),
    resource: code.resource,
    sessionId: code.sessionId,
    authTime: code.authTime,
    nonce: code.nonce,
    familyId: code.id,
    accessTokenJti: code.id,
    dpop,
  });
}
