// A traditional web app that signs its users in with Realmkit (OpenID Connect).
//
// The browser only ever holds an HttpOnly session cookie: the tokens stay on the server, in the
// session (express-session's memory store here; use a shared store such as Redis in production).
// openid-client, a certified relying party, does the protocol: discovery, the authorization
// code flow with PKCE (S256), state and nonce, the ID token's checks, refresh and logout.
//
//   REALMKIT_URL=http://localhost:8080 REALMKIT_REALM=acme \
//   CLIENT_ID=... CLIENT_SECRET=... API_URL=http://127.0.0.1:3000 \
//   node scripts/launch.mjs node examples/web-app/server.ts
import { createHash, randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import * as client from 'openid-client';

function env(name: string, fallback?: string): string {
  const value = process.env[name] || fallback;
  if (!value) {
    console.error(`error: set ${name}`);
    process.exit(2);
  }
  return value;
}

/**
 * Realmkit's public base URL: its REALMKIT_ISSUER_URL (http://localhost:$PORT by default). The
 * realm's issuer is `${REALMKIT_URL}/oauth2/${REALM}`, and openid-client checks that the
 * discovery document names exactly that issuer.
 */
const REALMKIT_URL = env('REALMKIT_URL', 'http://localhost:8080').replace(/\/+$/, '');
const REALM = env('REALMKIT_REALM');
const ISSUER = new URL(`${REALMKIT_URL}/oauth2/${REALM}`);
/** A `traditional` application of the realm: it authenticates with client_secret_basic. */
const CLIENT_ID = env('CLIENT_ID');
const CLIENT_SECRET = env('CLIENT_SECRET');
const PORT = Number(env('PORT', '3001'));
const HOST = env('HOST', '127.0.0.1');
/** Where the browser reaches this app: the redirect URIs registered in Realmkit start with it. */
const APP_URL = env('APP_URL', `http://127.0.0.1:${PORT}`).replace(/\/+$/, '');
const REDIRECT_URI = `${APP_URL}/callback`;
const POST_LOGOUT_REDIRECT_URI = `${APP_URL}/signed-out`;
/** The resource server (examples/resource-server) and its resource indicator in Realmkit. */
const API_URL = env('API_URL', 'http://127.0.0.1:3000').replace(/\/+$/, '');
const API_AUDIENCE = env('API_AUDIENCE', 'https://api.myapp.com');
/** `offline_access` for a refresh token; the API's own scopes come with `resource`. */
const SCOPE = 'openid profile email offline_access';

// Discovery: the endpoints, the keys and what the server supports, from the issuer alone.
// Plain http is refused by openid-client unless allowed, which is only for local development.
const config = await client.discovery(ISSUER, CLIENT_ID, undefined, client.ClientSecretBasic(CLIENT_SECRET), {
  execute: ISSUER.protocol === 'http:' ? [client.allowInsecureRequests] : [],
});

/** What the session holds between the login redirect and the callback. */
interface PendingSignIn {
  codeVerifier: string;
  state: string;
  nonce: string;
}

/** A signed-in user's tokens; they never leave the server. */
interface SignedIn {
  claims: Record<string, unknown>;
  idToken: string;
  accessToken: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  scope: string;
  refreshToken?: string;
  refreshedAt?: string;
}

declare module 'express-session' {
  interface SessionData {
    pending?: PendingSignIn;
    user?: SignedIn;
  }
}

/** The sign-in's result in the session: the ID token's claims (already verified) and the tokens. */
function signedIn(tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers, before?: SignedIn) {
  const claims = tokens.claims() ?? before?.claims;
  const idToken = tokens.id_token ?? before?.idToken;
  if (!claims || !idToken) throw new Error('The token response has no ID token');
  const user: SignedIn = {
    claims: { ...claims },
    idToken,
    accessToken: tokens.access_token,
    expiresAt: Math.floor(Date.now() / 1000) + (tokens.expiresIn() ?? 0),
    scope: tokens.scope ?? '',
  };
  // Refresh tokens rotate: each refresh answers a new one and the old one stops working.
  const refreshToken = tokens.refresh_token ?? before?.refreshToken;
  if (refreshToken) user.refreshToken = refreshToken;
  return user;
}

/**
 * The refresh token grant. Realmkit rotates refresh tokens and treats a second use of an old one
 * as a replay (it revokes them all): an app whose pages may refresh at the same time for one
 * session should let one request refresh and the others wait for it.
 */
async function refresh(req: Request): Promise<SignedIn> {
  const user = req.session.user;
  if (!user?.refreshToken) throw new Error('No refresh token: sign in again');
  const tokens = await client.refreshTokenGrant(config, user.refreshToken);
  const next = signedIn(tokens, user);
  next.refreshedAt = new Date().toISOString();
  req.session.user = next;
  return next;
}

/** The user's access token, refreshed first when it expires in less than 30 seconds. */
async function accessToken(req: Request): Promise<string> {
  const user = req.session.user as SignedIn;
  if (user.expiresAt - Date.now() / 1000 > 30 || !user.refreshToken) return user.accessToken;
  return (await refresh(req)).accessToken;
}

// --- HTML -----------------------------------------------------------------------------------
/** Escapes text for HTML content and attribute values. */
function html(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function page(res: Response, title: string, body: string, status = 200): void {
  res
    .status(status)
    .type('html')
    .send(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)} · Realmkit web app example</title>
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}
pre{background:#f4f4f4;padding:.75rem;overflow:auto}form{display:inline}button,a.button{margin-right:.5rem}</style>
</head>
<body>
<h1>${html(title)}</h1>
${body}
</body>
</html>
`);
}

/** A short fingerprint of a token, to show that a refresh changed it without showing the token. */
function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 12);
}

const ACTIONS = `<p>
<a class="button" href="/">Home</a>
<a class="button" href="/posts">Call the API</a>
<form method="post" action="/refresh"><button type="submit">Refresh the tokens</button></form>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>
</p>`;

// --- The app --------------------------------------------------------------------------------
const app = express();
app.disable('x-powered-by');
app.use(express.urlencoded({ extended: false, limit: '4kb' }));

// One host name for the whole flow: the session cookie set on `localhost` is not sent to
// `127.0.0.1`, so a sign-in started on the other one could never finish.
const APP_HOST = new URL(APP_URL).host;
app.use((req, res, next) => {
  if (req.get('host') === APP_HOST || req.method !== 'GET') return next();
  res.redirect(307, `${APP_URL}${req.originalUrl}`);
});

const SESSION_COOKIE = 'webapp.sid';
app.use(
  session({
    name: SESSION_COOKIE,
    secret: process.env.SESSION_SECRET || randomBytes(32).toString('base64url'),
    resave: false,
    saveUninitialized: false,
    // HttpOnly: no script reads it. SameSite=Lax: another site's form cannot post with it, which
    // is what protects the POST routes below (refresh, logout, the API call) from CSRF.
    cookie: { httpOnly: true, sameSite: 'lax', secure: APP_URL.startsWith('https:'), maxAge: 8 * 3600 * 1000 },
  }),
);

/** express-session's callback methods as promises. */
function sessionDone(req: Request, method: 'save' | 'regenerate' | 'destroy'): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session[method]((error?: unknown) => (error ? reject(error) : resolve())),
  );
}

function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (req.session.user) next();
  else res.redirect(303, '/');
}

app.get('/', (req, res) => {
  const user = req.session.user;
  if (!user) {
    page(
      res,
      'Welcome',
      '<p id="status">You are not signed in.</p>\n<p><a class="button" href="/login">Sign in</a></p>',
    );
    return;
  }
  const name = String(user.claims.name ?? user.claims.preferred_username ?? user.claims.email ?? user.claims.sub);
  page(
    res,
    `Hello, ${name}`,
    `<p id="status">You are signed in.</p>
${ACTIONS}
<h2>Your ID token's claims</h2>
<pre id="id-token-claims">${html(JSON.stringify(user.claims, null, 2))}</pre>
<h2>Your tokens (kept on the server)</h2>
<dl>
<dt>Access token for</dt><dd id="access-token-audience">${html(API_AUDIENCE)}</dd>
<dt>Scope</dt><dd id="access-token-scope">${html(user.scope)}</dd>
<dt>Expires at</dt><dd id="access-token-expires-at">${new Date(user.expiresAt * 1000).toISOString()}</dd>
<dt>Access token fingerprint</dt><dd id="access-token-fingerprint">${fingerprint(user.accessToken)}</dd>
<dt>Refresh token</dt><dd id="refresh-token">${user.refreshToken ? 'yes' : 'no'}</dd>
<dt>Last refreshed</dt><dd id="refreshed-at">${html(user.refreshedAt ?? 'never')}</dd>
</dl>`,
  );
});

// 1. Off to Realmkit: a fresh PKCE verifier, state and nonce, kept in the session.
app.get('/login', async (req, res) => {
  const pending: PendingSignIn = {
    codeVerifier: client.randomPKCECodeVerifier(),
    state: client.randomState(),
    nonce: client.randomNonce(),
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
    // RFC 8707: the access token is for our API (its `aud`) and carries the API scopes that
    // the user's roles hold.
    resource: API_AUDIENCE,
  });
  req.session.pending = pending;
  await sessionDone(req, 'save');
  res.redirect(303, url.href);
});

// 2. Back from Realmkit: openid-client checks state and `iss`, redeems the code with the PKCE
// verifier and the client secret, then verifies the ID token (signature, issuer, audience, nonce).
app.get('/callback', async (req, res) => {
  const pending = req.session.pending;
  if (!pending) {
    page(res, 'Sign-in failed', '<p role="alert">No sign-in in progress. <a href="/login">Sign in</a></p>', 400);
    return;
  }
  delete req.session.pending;
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, new URL(req.originalUrl, APP_URL), {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error('sign-in failed:', error);
    page(res, 'Sign-in failed', `<p role="alert">${html(message)}</p>\n<p><a href="/login">Try again</a></p>`, 400);
    return;
  }
  // A new session id once signed in (no session fixation).
  const user = signedIn(tokens);
  await sessionDone(req, 'regenerate');
  req.session.user = user;
  await sessionDone(req, 'save');
  res.redirect(303, '/');
});

// Refresh on demand (the API call below also refreshes a token about to expire).
app.post('/refresh', requireUser, async (req, res) => {
  await refresh(req);
  res.redirect(303, '/');
});

// The resource server with the user's access token: GET lists the posts (read:posts), POST
// creates one (write:posts, which the demo's user does not have: the API answers 403).
async function callApi(req: Request, res: Response, method: 'GET' | 'POST'): Promise<void> {
  const token = await accessToken(req);
  const init: RequestInit = { method, headers: { authorization: `Bearer ${token}` } };
  if (method === 'POST') {
    init.headers = { ...init.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify({ title: String(req.body?.title ?? 'Hello from the web app') });
  }
  const answer = await fetch(`${API_URL}/posts`, init);
  const body = await answer.text();
  page(
    res,
    'The API',
    `${ACTIONS}
<p><code>${method} ${html(API_URL)}/posts</code> answered <strong id="api-status">${answer.status}</strong></p>
<pre id="api-body">${html(body)}</pre>
<form method="post" action="/posts"><input name="title" value="Hello" aria-label="Title"><button type="submit">Create a post</button></form>`,
  );
}
app.get('/posts', requireUser, (req, res) => callApi(req, res, 'GET'));
app.post('/posts', requireUser, (req, res) => callApi(req, res, 'POST'));

// Sign out: forget the session here, then end the one at Realmkit (RP-initiated logout), which
// sends the browser back to the registered post_logout_redirect_uri.
app.post('/logout', async (req, res) => {
  const idToken = req.session.user?.idToken;
  await sessionDone(req, 'destroy');
  res.clearCookie(SESSION_COOKIE);
  if (!idToken) {
    res.redirect(303, '/');
    return;
  }
  const url = client.buildEndSessionUrl(config, {
    id_token_hint: idToken,
    post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
  });
  res.redirect(303, url.href);
});

app.get('/signed-out', (_req, res) => {
  page(res, 'Signed out', '<p id="status">You are signed out.</p>\n<p><a class="button" href="/login">Sign in</a></p>');
});

app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
  console.error(error);
  const message = error instanceof Error ? error.message : String(error);
  page(res, 'Error', `<p role="alert">${html(message)}</p>\n<p><a href="/">Home</a></p>`, 500);
});

// Loopback only by default: set HOST=0.0.0.0 (behind https) to serve other machines.
const server = app.listen(PORT, HOST, (error?: Error) => {
  if (error) throw error;
  console.log(`web app on ${APP_URL} (issuer ${ISSUER.href}, client ${CLIENT_ID}, API ${API_URL})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
