import type { Request, RequestHandler, Response } from 'express';
import { NotFoundError } from '../errors/api-error.ts';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import { formOf, parseOAuthForm, preventCaching, sendOAuthError } from '../oauth-protocol/oauth-form.ts';
import type { OAuthForm } from '../oauth-protocol/oauth-form-body.ts';

/** What a form endpoint of a realm's authorization server handles: its realm, found, and its form, read. */
export interface OAuthRequest {
  req: Request;
  res: Response;
  realm: { id: string; name: string };
  form: OAuthForm;
}

/**
 * A form-posting endpoint of a realm's authorization server (token, introspection, revocation),
 * served outside ts-rest: the form read (malformed: RFC 6749 `invalid_request`), no caching
 * (RFC 6749 §5.1), the realm looked up through the hot-path cache (unknown: the API's 404), and an
 * `OAuthError` answered in RFC 6749's shape. `afterParse` runs once the form is read.
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
      await handle({ req, res, realm, form: formOf(req, what) });
    } catch (error) {
      if (error instanceof OAuthError) sendOAuthError(res, error);
      else next(error);
    }
  };
  return afterParse ? [parseOAuthForm, afterParse, endpoint] : [parseOAuthForm, endpoint];
}
