import { contract } from '@realmkit/contract';
import type { ErrorRequestHandler } from 'express';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import { sendOAuthError } from '../oauth-protocol/oauth-form.ts';

/** A route's path as Express matches it: each parameter one segment, case-insensitive, one trailing slash. */
function asExpressMatches(path: string): RegExp {
  return new RegExp(`^${path.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`, 'i');
}

/** The endpoints served outside ts-rest that answer RFC 6749 errors: token, introspection and revocation. */
const OAUTH_PATHS = [contract.oauth.token.path, contract.oauth.introspect.path, contract.oauth.revoke.path].map(
  asExpressMatches,
);

/**
 * Express decodes `{realm}` before the token, introspection or revocation endpoint runs, so a realm that is
 * not valid percent-encoding (`/oauth2/%FF/token`) never reaches it. Mounted after those endpoints,
 * this answers that failure as RFC 6749 asks instead of in the Management API's error shape.
 */
export const oauthPathErrors: ErrorRequestHandler = (error, req, res, next) => {
  if (!(error instanceof URIError) || req.method !== 'POST' || !OAUTH_PATHS.some((path) => path.test(req.path))) {
    next(error);
    return;
  }
  res.set({ 'Cache-Control': 'no-store' });
  sendOAuthError(res, new OAuthError('invalid_request', 'The realm in the path is not valid percent-encoded UTF-8'));
};
