// A resource server: your own API, protected by Realmkit access tokens.
//
// It verifies each access token locally against the realm's published keys (JWKS), then checks
// the issuer, the audience (this API's resource indicator), the algorithm, the token type
// (RFC 9068 `at+jwt`), the expiry and the scope each route needs. No call to Realmkit per request:
// the keys are fetched once and again only when a token names a key id not seen yet.
//
// Tokens come as `Bearer` (RFC 6750) or DPoP-bound (RFC 9449): a DPoP-bound token carries the
// thumbprint of its client's key (`cnf.jkt`) and is accepted only as `Authorization: DPoP`, with a
// proof signed by that key for this very request. oauth4webapi's validateJwtAccessToken does both.
//
//   REALMKIT_URL=http://localhost:8080 REALMKIT_REALM=acme API_AUDIENCE=https://api.myapp.com \
//   node scripts/launch.mjs node examples/resource-server/server.ts
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import * as oauth from 'oauth4webapi';

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
 * This API's public base URL, as its clients call it: a DPoP proof names the URL it was made for
 * (`htu`), and a proof for another server or path is refused. Fixed, not read from the request's
 * Host header, which the caller chooses.
 */
const PUBLIC_URL = env('PUBLIC_URL', `http://localhost:${PORT}`).replace(/\/+$/, '');
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

/** The realm as oauth4webapi knows an authorization server: its issuer and where its keys are. */
const realmkit: oauth.AuthorizationServer = { issuer: ISSUER, jwks_uri: `${REALMKIT_URL}/oauth2/${REALM}/jwks` };

/**
 * Asymmetric algorithms only (never HS256 or none), for the access token and the DPoP proof alike
 * (oauth4webapi checks both against one list): what a realm signs with (its `signing_algorithm`:
 * RS256, ES256, EdDSA) and what a proof may be signed with (the realm's discovery document lists
 * them as `dpop_signing_alg_values_supported`).
 */
const ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'];

const verifyOptions: oauth.ValidateJWTAccessTokenOptions = {
  signingAlgorithms: ALGORITHMS,
  [oauth.clockTolerance]: 5,
  // oauth4webapi fetches keys over https only unless told otherwise: Realmkit on plain http is a
  // development set-up (http://localhost:8080); put it behind https in production.
  ...(REALMKIT_URL.startsWith('http:') ? { [oauth.allowInsecureRequests]: true } : {}),
};

/** The `WWW-Authenticate` challenge of the DPoP scheme names the proof algorithms (RFC 9449 §7.1). */
const DPOP_CHALLENGE = `DPoP algs="${ALGORITHMS.join(' ')}"`;

type Scheme = 'Bearer' | 'DPoP';

/**
 * A proof's `jti` is accepted once (RFC 9449 §11.1): oauth4webapi checks everything else of a
 * proof, not this, as it keeps no state. Each `jti` of a key is kept while a proof bearing it
 * could pass the freshness check (its `iat` within 300 s of now). In memory: with several
 * instances of this API, keep them where every instance sees them (Redis, your database).
 */
const PROOF_WINDOW_S = 300;
const seenProofs = new Map<string, number>();
setInterval(() => {
  const now = Date.now() / 1000;
  for (const [key, until] of seenProofs) if (until < now) seenProofs.delete(key);
}, 60_000).unref();

/** Records the proof's `jti` for key `jkt`; false when it was seen already (a replay). */
function firstUse(jkt: string, proof: string): boolean {
  const { jti, iat } = JSON.parse(Buffer.from(proof.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    jti: string;
    iat: number;
  };
  const key = `${jkt} ${jti}`;
  if (seenProofs.has(key)) return false;
  seenProofs.set(key, iat + PROOF_WINDOW_S + 5);
  return true;
}

/** The key a token says it is bound to (`cnf.jkt`), unverified: only to answer in the right scheme. */
function claimedKey(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload?.cnf?.jkt === 'string' ? payload.cnf.jkt : undefined;
  } catch {
    return undefined;
  }
}

/** What a verified token tells the routes. */
interface Caller {
  clientId: string;
  scopes: Set<string>;
}

/**
 * A 401 (RFC 6750 §3.1, RFC 9449 §7.1). Without a token: a challenge of each scheme, no error
 * code. Otherwise the scheme the token must be sent in (DPoP for a bound token, whatever it came
 * as) with `invalid_token`, or `invalid_dpop_proof` for a proof missing, doubled or replayed.
 */
function unauthorized(
  res: Response,
  refusal?: { scheme: Scheme; error: 'invalid_token' | 'invalid_dpop_proof'; description: string },
): void {
  if (!refusal) {
    res
      .status(401)
      .set('WWW-Authenticate', `Bearer, ${DPOP_CHALLENGE}`)
      .json({ error: 'unauthorized', message: 'Missing access token' });
    return;
  }
  const { scheme, error, description } = refusal;
  const params = `error="${error}", error_description="${description.replace(/["\\]/g, "'")}"`;
  res
    .status(401)
    .set('WWW-Authenticate', scheme === 'DPoP' ? `${DPOP_CHALLENGE}, ${params}` : `Bearer ${params}`)
    .json({ error, message: description });
}

/** RFC 6750 §2.1 and RFC 9449 §7.1: the scheme, then a token68. */
const AUTHORIZATION = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Verifies the access token (Bearer, or DPoP with its proof) and requires `scope` in it; leaves
 * the caller in `res.locals`.
 */
function requireScope(scope: string): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    if (!header) return unauthorized(res);
    const match = AUTHORIZATION.exec(header);
    if (!match?.[1] || !match[2]) {
      return unauthorized(res, {
        scheme: 'Bearer',
        error: 'invalid_token',
        description: 'The Authorization header is not a Bearer or DPoP token',
      });
    }
    const presented: Scheme = match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = match[2];
    const proof = req.get('dpop');
    if (presented === 'DPoP' && (!proof || proof.includes(','))) {
      // RFC 9449 §4.3 step 1: exactly one proof (Node joins repeated headers with ", ").
      return unauthorized(res, {
        scheme: 'DPoP',
        error: 'invalid_dpop_proof',
        description: 'Send exactly one DPoP header holding one proof',
      });
    }

    // The request as oauth4webapi reads it (a fetch Request): the proof is checked against its
    // method and URL (htm, htu), so the URL is this API's public one.
    const headers = new Headers({ authorization: header });
    if (proof) headers.set('dpop', proof);
    const request = new Request(`${PUBLIC_URL}${req.originalUrl}`, { method: req.method, headers });

    let claims: oauth.JWTAccessTokenClaims;
    try {
      // The token: signature by a key of the realm's JWKS, iss, aud, exp, typ at+jwt, and the
      // claims RFC 9068 requires. A token with cnf.jkt, or sent as DPoP: the proof too (RFC 9449
      // §4.3, §7): typ dpop+jwt, its signature by the public key in its header, htm, htu, iat
      // within 300 s, ath (the hash of this token), and that key's thumbprint = cnf.jkt. So a
      // bound token sent as Bearer is refused, and so is an unbound one sent as DPoP.
      claims = await oauth.validateJwtAccessToken(realmkit, request, API_AUDIENCE, verifyOptions);
    } catch (error) {
      if (error instanceof oauth.OperationProcessingError || error instanceof oauth.UnsupportedOperationError) {
        const scheme = presented === 'DPoP' || proof || claimedKey(token) ? 'DPoP' : 'Bearer';
        return unauthorized(res, { scheme, error: 'invalid_token', description: error.message });
      }
      return next(error);
    }
    const jkt = (claims.cnf as { jkt?: string } | undefined)?.jkt;
    if (jkt && proof && !firstUse(jkt, proof)) {
      return unauthorized(res, {
        scheme: 'DPoP',
        error: 'invalid_dpop_proof',
        description: 'This DPoP proof was used already (jti)',
      });
    }

    const scopes = new Set(typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []);
    if (!scopes.has(scope)) {
      res
        .status(403)
        .set('WWW-Authenticate', `${jkt ? 'DPoP' : 'Bearer'} error="insufficient_scope", scope="${scope}"`)
        .json({ error: 'insufficient_scope', message: `The token lacks the ${scope} scope` });
      return;
    }
    const caller: Caller = { clientId: claims.client_id, scopes };
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

// CORS for the origins of CORS_ORIGINS: a single-page app sends its access token from the
// browser (no cookies, so no credentials mode), and its preflight asks for Authorization (and
// DPoP, with a DPoP-bound token).
if (CORS_ORIGINS.size > 0) {
  app.use((req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    if (!origin || !CORS_ORIGINS.has(origin)) return next();
    res.set('Access-Control-Allow-Origin', origin).set('Access-Control-Expose-Headers', 'WWW-Authenticate');
    if (req.method !== 'OPTIONS' || !req.get('access-control-request-method')) return next();
    res
      .set('Access-Control-Allow-Methods', 'GET, POST')
      .set('Access-Control-Allow-Headers', 'Authorization, Content-Type, DPoP')
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
  console.log(`resource server on ${PUBLIC_URL} (port ${PORT}, issuer ${ISSUER}, audience ${API_AUDIENCE}${cors})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
