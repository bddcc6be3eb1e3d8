import type { RequestHandler } from 'express';
import { NotFoundError } from '../http/api-error.ts';
import { type ClientCredentialsDeps, clientCredentialsGrant } from './client-credentials.grant.ts';
import type { HotPathCache } from './hot-path-cache.ts';
import { OAuthError } from './oauth-error.ts';
import {
  clientCredentialsOf,
  formOf,
  param,
  parseOAuthForm,
  preventCaching,
  sendJson,
  sendOAuthError,
} from './oauth-form.ts';

/**
 * `POST /oauth2/{realm}/token`. Served outside ts-rest so that every failure, including a
 * malformed body, is an RFC 6749 error. `hooks.afterParse` runs once the form is parsed (the
 * rate limits, which need the claimed client_id).
 */
export function tokenEndpoint(
  realms: Pick<HotPathCache, 'realm'>,
  deps: ClientCredentialsDeps,
  hooks: { afterParse?: RequestHandler | undefined } = {},
): RequestHandler[] {
  const handle: RequestHandler = async (req, res, next) => {
    preventCaching(res);
    try {
      const realm = await realms.realm(String(req.params.realm));
      if (!realm) throw new NotFoundError(`Realm ${req.params.realm} not found`);
      const body = formOf(req, 'token');
      const grantType = param(body, 'grant_type');
      if (!grantType) throw new OAuthError('invalid_request', 'The grant_type parameter is required');
      if (grantType !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${grantType}`);
      }
      const client = clientCredentialsOf(req, body);
      const answer = await clientCredentialsGrant(deps, {
        realm,
        ...client,
        scope: param(body, 'scope'),
        resource: param(body, 'resource'),
      });
      sendJson(res, 200, answer);
    } catch (error) {
      if (error instanceof OAuthError) sendOAuthError(res, error);
      else next(error);
    }
  };
  return hooks.afterParse ? [parseOAuthForm, hooks.afterParse, handle] : [parseOAuthForm, handle];
}
