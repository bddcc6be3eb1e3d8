import type { RequestHandler } from 'express';
import { urlPath } from '../http/url-path.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import { param, sendJson } from '../oauth-protocol/oauth-form.ts';
import { authenticateClient, type ClientVerifier, clientsThrough } from './client-auth/index.ts';
import { type GrantServices, grantOf } from './grants/index.ts';
import { oauthFormEndpoint } from './oauth-endpoint.ts';

export interface TokenEndpointDeps extends GrantServices {
  /** Checks client secrets and assertions. */
  clients: ClientVerifier;
}

/**
 * `POST /oauth2/{realm}/token`: the grant named by `grant_type`, from the grant registry, for the
 * client that authenticated by a method of the client authentication registry. Served outside
 * ts-rest so that every failure, including a malformed body, is an RFC 6749 error.
 * `hooks.afterParse` runs once the form is parsed (the rate limits of client authentication).
 */
export function tokenEndpoint(
  { clients, ...services }: TokenEndpointDeps,
  hooks: { afterParse?: RequestHandler | undefined } = {},
): RequestHandler[] {
  const clientAuth = clientsThrough(services.cache, clients);
  return oauthFormEndpoint(
    services.cache,
    'token',
    async ({ req, res, realm, form, credentials }) => {
      const grantType = param(form, 'grant_type');
      if (!grantType) throw new OAuthError('invalid_request', 'The grant_type parameter is required');
      const grant = grantOf(grantType);
      if (!grant) throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${grantType}`);
      const params = Object.fromEntries(grant.parameters.map((name) => [name, param(form, name)]));
      const client = await authenticateClient(realm, credentials, clientAuth);
      // RFC 6749 §5.2: the client is not authorized to use this grant type (its `grant_types`).
      if (!client.grantTypes.includes(grantType as (typeof client.grantTypes)[number])) {
        throw new OAuthError('unauthorized_client', `This client may not use the ${grantType} grant`);
      }
      const request = {
        id: req.id,
        method: req.method,
        path: urlPath(req.originalUrl),
        ip: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
      };
      sendJson(res, 200, await grant.handler({ realm, client, params, services, request }));
    },
    hooks.afterParse,
  );
}
