import type { Request, RequestHandler, Response } from 'express';
import { NotFoundError } from '../errors/api-error.ts';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import { clientAuthGuardOf } from '../oauth-protocol/client-auth-guard.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import { formOf, parseOAuthForm, preventCaching, sendOAuthError } from '../oauth-protocol/oauth-form.ts';
import type { OAuthForm } from '../oauth-protocol/oauth-form-body.ts';
import type { Realm } from '../realms/realm.entity.ts';
import type { ClientAuthRequest } from './client-auth/index.ts';

/**
 * What a form endpoint of a realm's authorization server handles: its realm, found, its form, read,
 * and what `authenticateClient` reads of it (with the rate limits' guard, when they are on).
 */
export interface OAuthRequest {
  req: Request;
  res: Response;
  realm: Realm;
  form: OAuthForm;
  credentials: ClientAuthRequest;
}

/**
 * A form-posting endpoint of a realm's authorization server (token, introspection, revocation),
 * served outside ts-rest: the form read (malformed: RFC 6749 `invalid_request`), no caching
 * (RFC 6749 §5.1), the realm looked up through the hot-path cache (unknown: the API's 404), and an
 * `OAuthError` answered in RFC 6749's shape. `afterParse` runs once the form is read: the rate
 * limits of client authentication, the same middleware for every such endpoint.
 */
export function oauthFormEndpoint(
  cache: Pick<HotPathCache, 'realm'>,
  what: 'token' | 'introspection' | 'revocation',
  handle: (request: OAuthRequest) => Promise<void>,
  afterParse?: RequestHandler,
): RequestHandler[] {
  const endpoint: RequestHandler = async (req, res, next) => {
    preventCaching(res);
    try {
      const realm = await cache.realm(String(req.params.realm));
      if (!realm) throw new NotFoundError(`Realm ${req.params.realm} not found`);
      const form = formOf(req, what);
      const credentials = { authorization: req.get('authorization'), form, guard: clientAuthGuardOf(res) };
      await handle({ req, res, realm, form, credentials });
    } catch (error) {
      if (error instanceof OAuthError) sendOAuthError(res, error);
      else next(error);
    }
  };
  return afterParse ? [parseOAuthForm, afterParse, endpoint] : [parseOAuthForm, endpoint];
}
