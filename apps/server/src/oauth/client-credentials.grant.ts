import type { TokenResponse } from '@realmkit/contract';
import type { ApplicationService } from '../applications/application.service.ts';
import type { AccessTokenService } from './access-tokens.ts';
import type { HotPathCache } from './hot-path-cache.ts';
import { OAuthError } from './oauth-error.ts';

export interface ClientCredentialsRequest {
  realm: { id: string; name: string };
  clientId: string;
  clientSecret: string;
  /** Space-separated, as sent; `undefined` asks for everything the client may have. */
  scope: string | undefined;
  resource: string | undefined;
}

export interface ClientCredentialsDeps {
  applications: ApplicationService;
  /** The application, resource and granted scopes, read through the hot-path cache. */
  cache: HotPathCache;
  tokens: AccessTokenService;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * The `client_credentials` grant (RFC 6749 §4.4): granted scopes are the requested ones that
 * the application's roles hold for the target resource (all of those when none are requested).
 */
export async function clientCredentialsGrant(
  deps: ClientCredentialsDeps,
  request: ClientCredentialsRequest,
): Promise<TokenResponse> {
  const found = await deps.cache.application(request.realm.id, request.clientId);
  const application = deps.applications.verifySecret(found, request.clientSecret) ? found : null;
  if (!application) throw new OAuthError('invalid_client', 'Client authentication failed');
  if (application.type !== 'm2m') {
    throw new OAuthError('unauthorized_client', 'Only machine-to-machine applications may use client_credentials');
  }

  const requested = request.scope === undefined ? undefined : request.scope.split(' ').filter(Boolean);
  if (requested?.some((scope) => !SCOPE_TOKEN.test(scope))) {
    throw new OAuthError('invalid_scope', 'The scope parameter is malformed');
  }

  const resource = await deps.cache.resource(request.realm.id, request.resource);
  if (!resource) throw new OAuthError('invalid_target', `Unknown resource: ${request.resource}`);

  const grantable = await deps.cache.grantedScopes(request.realm.id, application.id, resource.id);
  const granted = requested ? grantable.filter((scope) => requested.includes(scope)) : grantable;
  if (requested && requested.length > 0 && granted.length === 0) {
    throw new OAuthError('invalid_scope', 'None of the requested scopes can be granted to this client');
  }

  const accessToken = await deps.tokens.issue({
    realm: request.realm,
    clientId: application.clientId,
    audience: resource.indicator,
    scopes: granted,
    ttlSeconds: resource.accessTokenTtl,
  });
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: resource.accessTokenTtl,
    scope: granted.join(' '),
  };
}
