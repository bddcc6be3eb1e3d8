import type { RequestHandler } from 'express';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import { param, sendJson } from '../oauth-protocol/oauth-form.ts';
import {
  authenticateClient,
  type ClientVerifier,
  CONFIDENTIAL_CLIENT_AUTH_METHODS,
  clientsThrough,
} from './client-auth/index.ts';
import { type IntrospectionDeps, introspect } from './introspection.ts';
import { oauthFormEndpoint } from './oauth-endpoint.ts';

/**
 * `POST /oauth2/{realm}/introspect` (RFC 7662). Served outside ts-rest, like the token endpoint,
 * so that client authentication failures and malformed requests are RFC 6749 errors. The caller
 * authenticates through the client authentication registry, by a confidential method.
 * `hooks.afterParse`: the token endpoint's rate limits (RFC 7662 §4: guessing is limited here too).
 */
export function introspectionEndpoint(
  cache: HotPathCache,
  clients: ClientVerifier,
  deps: IntrospectionDeps,
  hooks: { afterParse?: RequestHandler | undefined } = {},
): RequestHandler[] {
  const clientAuth = clientsThrough(cache, clients);
  return oauthFormEndpoint(
    cache,
    'introspection',
    async ({ res, realm, form, credentials }) => {
      const token = param(form, 'token');
      // RFC 7662 §2.1: the hint is optional and may be ignored, but it is still one parameter.
      param(form, 'token_type_hint');
      await authenticateClient(realm, credentials, clientAuth, CONFIDENTIAL_CLIENT_AUTH_METHODS);
      if (!token) throw new OAuthError('invalid_request', 'The token parameter is required');
      sendJson(res, 200, await introspect(deps, realm, token));
    },
    hooks.afterParse,
  );
}
