import { DPOP_HEADER, DPOP_NONCE_HEADER } from '@realmkit/contract';
import cors from 'cors';
import type { RequestHandler } from 'express';

/** Response headers a browser app may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'Retry-After',
  'WWW-Authenticate',
  'Location',
  'ETag',
  'Idempotent-Replayed',
  'RateLimit',
  'RateLimit-Policy',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  // RFC 9449 §8.1: a browser client must read the server's nonce to put it in its next proof.
  DPOP_NONCE_HEADER,
];

/**
 * CORS for browser apps on `origins` (exact matches, from `REALMKIT_CORS_ORIGINS`); `undefined`
 * when none are configured, so that no response carries an `Access-Control-Allow-Origin`. No
 * credentials (cookies are not used: calls carry bearer tokens); preflights cached for 10 minutes.
 */
export function corsFor(origins: readonly string[]): RequestHandler | undefined {
  if (origins.length === 0) return undefined;
  return cors({
    origin: [...origins],
    credentials: false,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}

/**
 * CORS of the OAuth and OpenID Connect endpoints that browser apps call themselves (discovery,
 * JWKS, token, userinfo, revocation): any origin, as node-oidc-provider and Logto answer, since a
 * single-page app's origin is wherever it is served, and these endpoints take no cookies (no
 * credentials), only what the request itself carries.
 */
export function oauthCors(): RequestHandler {
  const answer = cors({
    origin: '*',
    credentials: false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', DPOP_HEADER],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  // Only browsers' cross-origin requests carry `Origin` (and need the headers): a server's token
  // request, the busiest, does not pay for them.
  return (req, res, next) => (req.headers.origin === undefined ? next() : answer(req, res, next));
}
