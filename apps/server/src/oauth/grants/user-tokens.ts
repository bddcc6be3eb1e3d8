import {
  contract,
  MAX_ACCESS_TOKEN_TTL,
  type TokenResponse,
  USERINFO_ACCESS_TOKEN_TTL_SECONDS,
} from '@realmkit/contract';
import type { Application } from '../../applications/application.entity.ts';
import type { DpopProof } from '../../oauth-protocol/dpop.ts';
import { OAuthError } from '../../oauth-protocol/oauth-error.ts';
import type { ActiveUser } from '../../users/user.service.ts';
import { oidcScopesOf } from '../user-claims.ts';
import { type GrantServices, tokenTypeOf } from './grant.ts';

/** A user's grant to a client, as a code or a refresh token carries it. */
export interface UserGrant {
  realm: { id: string; name: string };
  client: Application;
  user: ActiveUser;
  /** The scopes granted at sign-in; `requested` may narrow them (a refresh with `scope`). */
  scopes: readonly string[];
  requested?: readonly string[];
  resource: string | null;
  sessionId: string | null;
  authTime: Date;
  nonce: string | null;
  /** The refresh token family; a code's exchange starts one named after the code. */
  familyId: string;
  /** The access token's `jti` (the code's id on its exchange, so a reused code can revoke it). */
  accessTokenJti?: string;
  /** The refresh token already issued with this request (a refresh's successor); else one is issued here. */
  refreshToken?: string;
  /** The request's DPoP proof: the access token is bound to its key, and so is a public client's refresh token. */
  dpop?: DpopProof | undefined;
}

/**
 * The tokens of a user's sign-in (authorization_code and refresh_token): an access token for the
 * `resource` (RFC 8707) with the scopes the user's roles hold there, else for the userinfo
 * endpoint with the OpenID scopes; an ID token for `openid`; a new refresh token for
 * `offline_access`, when the client may refresh.
 */
export async function issueUserTokens(services: GrantServices, grant: UserGrant): Promise<TokenResponse> {
  const { realm, client, user } = grant;
  const scopes = grant.requested ?? grant.scopes;
  const oidcScopes = oidcScopesOf(scopes);
  const otherScopes = scopes.filter((scope) => !(oidcScopes as string[]).includes(scope));

  let audience: string;
  let accessScopes: string[];
  let ttlSeconds: number;
  if (grant.resource) {
    const resource = await services.cache.resource(realm, grant.resource);
    if (!resource) throw new OAuthError('invalid_grant', 'The resource of this grant no longer exists');
    const grantable = await services.roles.scopesGrantedToUser(realm.id, user.id, resource.id);
    accessScopes = otherScopes.length > 0 ? grantable.filter((scope) => otherScopes.includes(scope)) : grantable;
    audience = resource.indicator;
    ttlSeconds = resource.accessTokenTtl;
  } else {
    accessScopes = oidcScopes;
    audience = services.issuers.urlOf(contract.oauth.userinfo.path, realm.name);
    ttlSeconds = USERINFO_ACCESS_TOKEN_TTL_SECONDS;
  }
  ttlSeconds = Math.min(ttlSeconds, MAX_ACCESS_TOKEN_TTL);

  // The grant's scopes, not this request's: a narrowed refresh still gets its successor (RFC 6749 §6).
  const refreshToken =
    grant.refreshToken ??
    (grant.scopes.includes('offline_access') && client.grantTypes.includes('refresh_token')
      ? services.store.issue({
          realmId: realm.id,
          familyId: grant.familyId,
          applicationId: client.id,
          userId: user.id,
          sessionId: grant.sessionId,
          // The refresh token keeps the whole grant, whatever this request narrowed (RFC 6749 §6).
          scope: grant.scopes.join(' '),
          resource: grant.resource,
          authTime: grant.authTime,
          // RFC 9449 §5: a public client's refresh token is bound to its key; a confidential
          // client's is already bound to the client by its authentication.
          dpopJkt: client.tokenEndpointAuthMethod === 'none' ? (grant.dpop?.jkt ?? null) : null,
        })
      : undefined);
  const [accessToken, idToken, issuedRefreshToken] = await Promise.all([
    services.tokens.issue({
      realm,
      clientId: client.clientId,
      subject: user.id,
      audience,
      scopes: accessScopes,
      ttlSeconds,
      ...(grant.accessTokenJti ? { jti: grant.accessTokenJti } : {}),
      dpopJkt: grant.dpop?.jkt,
    }),
    oidcScopes.includes('openid')
      ? services.idTokens.issue({
          realm,
          clientId: client.clientId,
          user,
          scopes: oidcScopes,
          sessionId: grant.sessionId,
          authTime: grant.authTime,
          nonce: grant.nonce,
        })
      : undefined,
    refreshToken,
  ]);
  const granted = grant.resource ? [...oidcScopes, ...accessScopes] : oidcScopes;
  return {
    access_token: accessToken,
    token_type: tokenTypeOf(grant.dpop),
    expires_in: ttlSeconds,
    scope: granted.join(' '),
    ...(idToken ? { id_token: idToken } : {}),
    ...(issuedRefreshToken ? { refresh_token: issuedRefreshToken } : {}),
  };
}
