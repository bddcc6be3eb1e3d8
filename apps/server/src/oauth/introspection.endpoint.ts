import type { RequestHandler } from 'express';
import { NotFoundError } from '../http/api-error.ts';
import type { HotPathCache } from './hot-path-cache.ts';
import { type IntrospectionDeps, introspect } from './introspection.ts';
import { OAuthError } from './oauth-error.ts';
import { clientCredentialsOf, formOf, param, parseOAuthForm, preventCaching, sendOAuthError } from './oauth-form.ts';

/**
 * `POST /oauth2/{realm}/introspect` (RFC 7662). Served outside ts-rest, like the token endpoint,
 * so that client authentication failures and malformed requests are RFC 6749 errors.
 */
export function introspectionEndpoint(realms: Pick<HotPathCache, 'realm'>, deps: IntrospectionDeps): RequestHandler[] {
  const handle: RequestHandler = async (req, res, next) => {
    preventCaching(res);
    try {
      const realm = await realms.realm(String(req.params.realm));
      if (!realm) throw new NotFoundError(`Realm ${req.params.realm} not found`);
      const body = formOf(req, 'introspection');
      const client = clientCredentialsOf(req, body);
      const token = param(body, 'token');
      // RFC 7662 §2.1: the hint is optional and may be ignored, but it is still one parameter.
      param(body, 'token_type_hint');
      if (!token) throw new OAuthError('invalid_request', 'The token parameter is required');
      res.json(await introspect(deps, { realm, ...client, token }));
    } catch (error) {
      if (error instanceof OAuthError) sendOAuthError(res, error);
      else next(error);
    }
  };
  return [parseOAuthForm, handle];
}
