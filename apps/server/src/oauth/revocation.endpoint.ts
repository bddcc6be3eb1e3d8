import type { RequestHandler } from 'express';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import { param } from '../oauth-protocol/oauth-form.ts';
import { type AccessTokenService, InvalidAccessToken } from './access-tokens.ts';
import { authenticateClient, type ClientVerifier, clientsThrough } from './client-auth/index.ts';
import { oauthFormEndpoint } from './oauth-endpoint.ts';
import type { TokenStoreService } from './token-store.service.ts';

export interface RevocationDeps {
  cache: HotPathCache;
  clients: ClientVerifier;
  tokens: AccessTokenService;
  store: TokenStoreService;
}

/** A compact JWS has three dot-separated parts; a refresh token is one base64url string. */
const looksLikeJwt = (token: string) => token.split('.').length === 3;

/**
 * `POST /oauth2/{realm}/revoke` (RFC 7009). The client authenticates as at the token endpoint
 * (a public client by its `client_id`). A refresh token is revoked with its whole family (§2.1: the
 * grant ends); an access token, until its `exp`. The answer is 200 whether or not there was
 * anything to revoke, and for a token of another client, which stays as it was (§2.2).
 * `hooks.afterParse`: the token endpoint's rate limits.
 */
export function revocationEndpoint(
  deps: RevocationDeps,
  hooks: { afterParse?: RequestHandler | undefined } = {},
): RequestHandler[] {
  const clientAuth = clientsThrough(deps.cache, deps.clients);
  return oauthFormEndpoint(
    deps.cache,
    'revocation',
    async ({ res, realm, form, credentials }) => {
      const token = param(form, 'token');
      // §2.1: the hint only says where to look first; both kinds are looked at.
      param(form, 'token_type_hint');
      const client = await authenticateClient(realm, credentials, clientAuth);
      if (!token) throw new OAuthError('invalid_request', 'The token parameter is required');
      if (looksLikeJwt(token)) {
        try {
          const claims = await deps.tokens.verify(realm, token);
          if (claims.client_id === client.clientId) {
            await deps.store.revokeAccessToken(realm.id, claims.jti, new Date(claims.exp * 1000));
          }
        } catch (error) {
          // An invalid, expired or already revoked token: nothing to revoke (§2.2).
          if (!(error instanceof InvalidAccessToken)) throw error;
        }
      } else {
        const familyId = await deps.store.familyOf(realm.id, client.id, token);
        if (familyId) await deps.store.revokeFamily(realm.id, familyId);
      }
      res.status(200).setHeader('Content-Length', 0);
      res.end();
    },
    hooks.afterParse,
  );
}
