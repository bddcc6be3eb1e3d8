import type { TokenResponse } from '@realmkit/contract';
import { OAuthError } from '../../oauth-protocol/oauth-error.ts';
import { type GrantContext, tokenTypeOf } from './grant.ts';
import { requestedScopes } from './scopes.ts';

/** RFC 6749 §4.4.2 `scope`, RFC 8707 `resource` (default: the realm's Management API). */
export const parameters = ['scope', 'resource'] as const;

/**
 * `client_credentials` (RFC 6749 §4.4): a confidential client acting for itself. Granted scopes are
 * the requested ones that the client's roles hold for the target resource (all of those when none
 * are requested).
 */
export async function handler({
  realm,
  client,
  params,
  services,
  dpop,
}: GrantContext<(typeof parameters)[number]>): Promise<TokenResponse> {
  // §4.4: confidential clients only. The application rules allow it to no public client; this
  // holds even for a row written around them.
  if (client.tokenEndpointAuthMethod === 'none') {
    throw new OAuthError('unauthorized_client', 'A public client cannot use client_credentials');
  }
  const requested = requestedScopes(params.scope);

  const resource = await services.cache.resource(realm, params.resource);
  if (!resource) throw new OAuthError('invalid_target', `Unknown resource: ${params.resource}`);

  const grantable = await services.cache.grantedScopes(realm.id, client.id, resource.id);
  const granted = requested ? grantable.filter((scope) => requested.includes(scope)) : grantable;
  if (requested && requested.length > 0 && granted.length === 0) {
    throw new OAuthError('invalid_scope', 'None of the requested scopes can be granted to this client');
  }

  const accessToken = await services.tokens.issue({
    realm,
    clientId: client.clientId,
    audience: resource.indicator,
    scopes: granted,
    ttlSeconds: resource.accessTokenTtl,
    dpopJkt: dpop?.jkt,
  });
  return {
    access_token: accessToken,
    token_type: tokenTypeOf(dpop),
    expires_in: resource.accessTokenTtl,
    scope: granted.join(' '),
  };
}
