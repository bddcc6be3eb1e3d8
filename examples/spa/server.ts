// A tiny static server for the single-page app: public/, oidc-client-ts's browser build from
// node_modules (nothing is loaded from another host), and /config.json from the environment.
// Everything else (sign-in, tokens, the API call) happens in the browser.
//
//   REALMKIT_URL=http://localhost:8080 REALMKIT_REALM=acme CLIENT_ID=... \
//   API_URL=http://127.0.0.1:3000 node scripts/launch.mjs node examples/spa/server.ts
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function env(name: string, fallback?: string): string {
  const value = process.env[name] || fallback;
  if (!value) {
    console.error(`error: set ${name}`);
    process.exit(2);
  }
  return value;
}

/** Realmkit's public base URL (its REALMKIT_ISSUER_URL): the issuer is `${REALMKIT_URL}/oauth2/${realm}`. */
const REALMKIT_URL = env('REALMKIT_URL', 'http://localhost:8080').replace(/\/+$/, '');
const REALM = env('REALMKIT_REALM');
/** A `spa` application of the realm: a public client, no secret. */
const CLIENT_ID = env('CLIENT_ID');
const API_URL = env('API_URL', 'http://127.0.0.1:3000').replace(/\/+$/, '');
const API_AUDIENCE = env('API_AUDIENCE', 'https://api.myapp.com');
const PORT = Number(env('PORT', '3002'));
/** Loopback only by default; the redirect URIs registered in Realmkit name this host and port. */
const HOST = env('HOST', '127.0.0.1');

const PUBLIC = fileURLToPath(new URL('public/', import.meta.url));
/** oidc-client-ts's browser build (an IIFE defining the global `oidc`), next to its ESM build. */
const OIDC_BROWSER = path.join(
  path.dirname(fileURLToPath(import.meta.resolve('oidc-client-ts'))),
  '..',
  'browser',
  'oidc-client-ts.min.js',
);

const config = {
  authority: `${REALMKIT_URL}/oauth2/${REALM}`,
  client_id: CLIENT_ID,
  api_url: API_URL,
  api_audience: API_AUDIENCE,
};

/** URL path → file. The app's own paths (/, /callback, /signed-out) all serve index.html. */
const FILES: Record<string, string> = {
  '/': path.join(PUBLIC, 'index.html'),
  '/callback': path.join(PUBLIC, 'index.html'),
  '/signed-out': path.join(PUBLIC, 'index.html'),
  '/app.js': path.join(PUBLIC, 'app.js'),
  '/style.css': path.join(PUBLIC, 'style.css'),
  '/vendor/oidc-client-ts.min.js': OIDC_BROWSER,
  '/vendor/oidc-client-ts.min.js.map': `${OIDC_BROWSER}.map`,
};
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

// The page may load its own files only, and talk to itself, Realmkit and the API: a stray
// request to any other host is refused by the browser.
const CSP = [
  "default-src 'self'",
  `connect-src 'self' ${new URL(REALMKIT_URL).origin} ${new URL(API_URL).origin}`,
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const server = createServer(async (req, res) => {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  const headers = {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
    return;
  }
  if (pathname === '/config.json') {
    res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(config));
    return;
  }
  const file = FILES[pathname];
  if (!file) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found\n');
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (error) {
    console.error(error);
    res.writeHead(500, { ...headers, 'Content-Type': 'text/plain' }).end('Internal error\n');
  }
});

server.listen(PORT, HOST, () => {
  console.log(
    `single-page app on http://${HOST}:${PORT} (issuer ${config.authority}, client ${CLIENT_ID}, API ${API_URL})`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
