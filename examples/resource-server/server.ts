// A resource server: your own API, protected by Realmkit access tokens.
//
// It verifies each bearer token locally against the realm's published keys (JWKS), then checks
// the issuer, the audience (this API's resource indicator), the algorithm, the token type
// (RFC 9068 `at+jwt`), the expiry and the scope each route needs. No call to Realmkit per request:
// jose fetches the JWKS once and again only when it meets an unknown key id.
//
//   REALMKIT_URL=http://localhost:8080 REALMKIT_REALM=acme API_AUDIENCE=https://api.myapp.com \
//   node scripts/launch.mjs node examples/resource-server/server.ts
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';

function env(name: string, fallback?: string): string {
  const value = process.env[name] || fallback;
  if (!value) {
    console.error(`error: set ${name}`);
    process.exit(2);
  }
  return value;
}

/** Where this API fetches the realm's keys. */
const REALMKIT_URL = env('REALMKIT_URL', 'http://localhost:8080').replace(/\/+$/, '');
/** The realm's name (not its UUID): it is part of the issuer. */
const REALM = env('REALMKIT_REALM');
/** Realmkit's public base URL (its REALMKIT_ISSUER_URL), when it differs from REALMKIT_URL. */
const ISSUER = `${(process.env.REALMKIT_ISSUER_URL || REALMKIT_URL).replace(/\/+$/, '')}/oauth2/${REALM}`;
/** This API's resource indicator in Realmkit: tokens for other APIs carry another `aud`. */
const API_AUDIENCE = env('API_AUDIENCE', 'https://api.myapp.com');
const PORT = Number(env('PORT', '3000'));
/**
 * Browser apps allowed to call this API from their own origin (CORS): exact origins such as
 * http://127.0.0.1:3002, comma-separated. None by default: then no response allows any origin.
 */
const CORS_ORIGINS = new Set(
  (process.env.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
);

const jwks = createRemoteJWKSet(new URL(`${REALMKIT_URL}/oauth2/${REALM}/jwks`));

/** What a verified token tells the routes. */
interface Caller {
  clientId: string;
  scopes: Set<string>;
}

function unauthorized(res: Response, description?: string): void {
  // RFC 6750 §3.1: a request without a token gets the challenge but no error code.
  const challenge = description
    ? `Bearer error="invalid_token", error_description="${description.replace(/"/g, "'")}"`
    : 'Bearer';
  res
    .status(401)
    .set('WWW-Authenticate', challenge)
    .json({ error: description ? 'invalid_token' : 'unauthorized', message: description ?? 'Missing bearer token' });
}

/** Verifies the bearer token and requires `scope` in it; leaves the caller in `res.locals`. */
function requireScope(scope: string): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    if (!header) return unauthorized(res);
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!match?.[1]) return unauthorized(res, 'The Authorization header is not a bearer token');

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], jwks, {
        issuer: ISSUER,
        audience: API_AUDIENCE,
        // The asymmetric algorithms a realm can sign with (its `signing_algorithm`); never HS256 or none.
        algorithms: ['RS256', 'ES256', 'EdDSA'],
        typ: 'at+jwt',
        clockTolerance: 5,
        requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) return unauthorized(res, 'The access token has expired');
      if (error instanceof errors.JOSEError) return unauthorized(res, `The access token is invalid: ${error.message}`);
      return next(error);
    }

    const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
    if (!scopes.has(scope)) {
      res
        .status(403)
        .set('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scope}"`)
        .json({ error: 'insufficient_scope', message: `The token lacks the ${scope} scope` });
      return;
    }
    const caller: Caller = { clientId: String(payload.client_id), scopes };
    res.locals.caller = caller;
    next();
  };
}

interface Post {
  id: string;
  title: string;
  author: string;
  created_at: string;
}

const posts: Post[] = [];

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '16kb' }));

// CORS for the origins of CORS_ORIGINS: a single-page app sends its bearer token from the
// browser (no cookies, so no credentials mode), and its preflight asks for Authorization.
if (CORS_ORIGINS.size > 0) {
  app.use((req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    if (!origin || !CORS_ORIGINS.has(origin)) return next();
    res.set('Access-Control-Allow-Origin', origin).set('Access-Control-Expose-Headers', 'WWW-Authenticate');
    if (req.method !== 'OPTIONS' || !req.get('access-control-request-method')) return next();
    res
      .set('Access-Control-Allow-Methods', 'GET, POST')
      .set('Access-Control-Allow-Headers', 'Authorization, Content-Type')
      .set('Access-Control-Max-Age', '600')
      .status(204)
      .end();
  });
}

app.get('/posts', requireScope('read:posts'), (_req, res) => {
  res.json({ data: posts });
});

app.post('/posts', requireScope('write:posts'), (req, res) => {
  const title: unknown = req.body?.title;
  if (typeof title !== 'string' || title.trim() === '') {
    res.status(400).json({ error: 'bad_request', message: 'title is required' });
    return;
  }
  const caller = res.locals.caller as Caller;
  const post: Post = { id: randomUUID(), title, author: caller.clientId, created_at: new Date().toISOString() };
  posts.unshift(post);
  res.status(201).json({ data: post });
});

app.use((_req, res) => {
  res.status(404).json({ error: 'not_found', message: 'Not found' });
});

const server = app.listen(PORT, (error?: Error) => {
  if (error) throw error;
  const cors = CORS_ORIGINS.size > 0 ? `, CORS for ${[...CORS_ORIGINS].join(' ')}` : '';
  console.log(`resource server on http://localhost:${PORT} (issuer ${ISSUER}, audience ${API_AUDIENCE}${cors})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
