import type { RequestHandler } from 'express';
import type { ApplicationService } from '../applications/application.service.ts';
import { NotFoundError } from '../errors/api-error.ts';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import {
  formOf,
  param,
  parseOAuthForm,
  preventCaching,
  sendJson,
  sendOAuthError,
} from '../oauth-protocol/oauth-form.ts';
import type { AccessTokenService } from './access-tokens.ts';
import { authenticateClient, clientsThrough } from './client-auth/index.ts';
import { grantOf } from './grants/index.ts';

export interface TokenEndpointDeps {
  /** Realms, applications, resources and granted scopes, read through the hot-path cache. */
  cache: HotPathCache;
  /** Checks client secrets. */
  applications: Pick<ApplicationService, 'verifySecret'>;
  tokens: AccessTokenService;
}

/**
 * `POST /oauth2/{realm}/token`: the grant named by `grant_type`, from the grant registry, for the
 * client that authenticated by a method of the client authentication registry. Served outside
 * ts-rest so that every failure, including a malformed body, is an RFC 6749 error.
 * `hooks.afterParse` runs once the form is parsed (the rate limits, which need the claimed client_id).
 */
export function tokenEndpoint(
  deps: TokenEndpointDeps,
  hooks: { afterParse?: RequestHandler | undefined } = {},
): RequestHandler[] {
  const services = { cache: deps.cache, tokens: deps.tokens };
  const clientAuth = clientsThrough(deps.cache, deps.applications);
  const handle: RequestHandler = async (req, res, next) => {
    preventCaching(res);
    try {
      const realm = await deps.cache.realm(String(req.params.realm));
      if (!realm) throw new NotFoundError(`Realm ${req.params.realm} not found`);
      const form = formOf(req, 'token');
      const grantType = param(form, 'grant_type');
      if (!grantType) throw new OAuthError('invalid_request', 'The grant_type parameter is required');
      const grant = grantOf(grantType);
      if (!grant) throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${grantType}`);
      const params = Object.fromEntries(grant.parameters.map((name) => [name, param(form, name)]));
      const client = await authenticateClient(realm.id, { authorization: req.get('authorization'), form }, clientAuth);
      // RFC 6749 §5.2: the client is not authorized to use this grant type (its `grant_types`).
      if (!client.grantTypes.includes(grantType as (typeof client.grantTypes)[number])) {
        throw new OAuthError('unauthorized_client', `This client may not use the ${grantType} grant`);
      }
      sendJson(res, 200, await grant.handler({ realm, client, params, services }));
    } catch (error) {
      if (error instanceof OAuthError) sendOAuthError(res, error);
      else next(error);
    }
  };
  return hooks.afterParse ? [parseOAuthForm, hooks.afterParse, handle] : [parseOAuthForm, handle];
}
