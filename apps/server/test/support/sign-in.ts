import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Config } from '../../src/config/config.ts';
import type { StartOptions } from '../../src/server.ts';
import { startTestServer, type TestServer } from './test-server.ts';

/** A free loopback port, found by listening on port 0 once. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A test server whose issuer is its own address, as relying-party libraries need: they fetch the
 * discovery document from the issuer and check that it names that issuer.
 */
export async function startSignInServer(start: StartOptions = {}, config: Partial<Config> = {}): Promise<TestServer> {
  const port = await freePort();
  return startTestServer({ config: { ...config, port, issuerUrl: `http://127.0.0.1:${port}` }, start });
}

/**
 * A browser without a screen: keeps the cookies each response sets (by name; one server), and
 * follows no redirect, so that each step's answer can be looked at.
 */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}

/** The login page's form: where it posts and its hidden field. */
export function loginFormOf(html: string): { action: string; interaction: string } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const interaction = /name="interaction" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !interaction) throw new Error(`no login form in the page: ${html.slice(0, 300)}`);
  return { action: action.replaceAll('&#x2F;', '/').replaceAll('&amp;', '&'), interaction };
}

/**
 * Signs in as a person would: opens `authorizationUrl`, posts the login form with `identifier` and
 * `password`, and returns the response to the post (a 303 to the redirect URI when it worked).
 */
export async function submitLogin(
  jar: CookieJar,
  serverUrl: string,
  authorizationUrl: string,
  credentials: { identifier: string; password: string },
): Promise<Response> {
  const page = await jar.fetch(authorizationUrl);
  if (page.status !== 200) throw new Error(`authorize answered ${page.status} ${page.headers.get('location')}`);
  const form = loginFormOf(await page.text());
  return jar.fetch(new URL(form.action, serverUrl).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(serverUrl).origin },
    body: new URLSearchParams({ interaction: form.interaction, ...credentials }).toString(),
  });
}

/** A PKCE pair (RFC 7636): a verifier, and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * The token endpoint's answer to the realm's spa application exchanging `code` with its PKCE
 * `verifier`, sending `headers` too (a DPoP proof, say).
 */
export function exchangeSpaCode(
  server: TestServer,
  setup: SignInRealm,
  code: string,
  verifier: string,
  headers: Record<string, string> = {},
) {
  return server.call('POST', `/oauth2/${setup.realm.name}/token`, {
    form: {
      grant_type: 'authorization_code',
      client_id: setup.spa.clientId,
      redirect_uri: setup.spa.redirectUri,
      code,
      code_verifier: verifier,
    },
    headers,
  });
}

/**
 * Signs in through the login page at `authorizationUrl(challenge)` (the realm's spa application),
 * then exchanges the code with its verifier: the token response.
 */
export async function signInForTokens(
  server: TestServer,
  setup: SignInRealm,
  jar: CookieJar,
  credentials: { identifier: string; password: string },
  authorizationUrl: (challenge: string) => string,
): Promise<{ access_token: string; refresh_token: string; id_token: string }> {
  const { verifier, challenge } = pkce();
  const answer = await submitLogin(jar, server.url, authorizationUrl(challenge), credentials);
  const code =
    answer.status === 303 ? new URL(answer.headers.get('location') as string).searchParams.get('code') : null;
  if (!code) throw new Error(`sign-in answered ${answer.status} ${answer.headers.get('location')}`);
  const tokens = await exchangeSpaCode(server, setup, code, verifier);
  if (tokens.status !== 200) throw new Error(`code exchange answered ${tokens.status} ${JSON.stringify(tokens.body)}`);
  return tokens.body;
}

export interface SignInRealm {
  realm: { id: string; name: string };
  admin: string;
  user: { id: string; email: string; username: string; password: string };
  spa: { applicationId: string; clientId: string; redirectUri: string; postLogoutRedirectUri: string };
  web: { clientId: string; clientSecret: string; redirectUri: string; postLogoutRedirectUri: string };
  api: { id: string; indicator: string };
}

/**
 * A fresh realm with a user (a role holding `read:posts` of the API resource `api`), a `spa` and a
 * `traditional` application, all made through the Management API.
 */
export async function signInRealm(server: TestServer, prefix: string): Promise<SignInRealm> {
  const admin = await server.masterToken();
  const realm = await server.createRealm(admin, prefix);
  const base = `/api/v1/${realm.name}`;
  const suffix = randomBytes(4).toString('hex');
  const password = `correct horse ${suffix}`;
  const user = await server.expectCall(201, 'POST', `${base}/users`, {
    token: admin,
    json: {
      email: `ada-${suffix}@example.com`,
      username: `ada-${suffix}`,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email_verified: true,
      password,
    },
  });
  const indicator = `https://api.${suffix}.example`;
  const api = await server.expectCall(201, 'POST', `${base}/resources`, {
    token: admin,
    json: { name: 'Posts API', indicator },
  });
  const read = await server.expectCall(201, 'POST', `${base}/resources/${api.id}/scopes`, {
    token: admin,
    json: { name: 'read:posts' },
  });
  await server.expectCall(201, 'POST', `${base}/resources/${api.id}/scopes`, {
    token: admin,
    json: { name: 'write:posts' },
  });
  const role = await server.expectCall(201, 'POST', `${base}/roles`, { token: admin, json: { name: 'reader' } });
  await server.expectCall(204, 'POST', `${base}/roles/${role.id}/scopes`, {
    token: admin,
    json: { scope_ids: [read.id] },
  });
  await server.expectCall(204, 'POST', `${base}/users/${user.id}/roles`, {
    token: admin,
    json: { role_ids: [role.id] },
  });
  const spa = await server.expectCall(201, 'POST', `${base}/applications`, {
    token: admin,
    json: {
      name: 'Notes (SPA)',
      type: 'spa',
      redirect_uris: ['http://localhost:5173/callback'],
      post_logout_redirect_uris: ['http://localhost:5173/'],
    },
  });
  const web = await server.expectCall(201, 'POST', `${base}/applications`, {
    token: admin,
    json: {
      name: 'Notes (web)',
      type: 'traditional',
      redirect_uris: ['https://notes.example.com/callback'],
      post_logout_redirect_uris: ['https://notes.example.com/'],
    },
  });
  return {
    realm,
    admin,
    user: { id: user.id, email: user.email, username: user.username, password },
    spa: {
      applicationId: spa.id,
      clientId: spa.client_id,
      redirectUri: 'http://localhost:5173/callback',
      postLogoutRedirectUri: 'http://localhost:5173/',
    },
    web: {
      clientId: web.client_id,
      clientSecret: web.client_secret,
      redirectUri: 'https://notes.example.com/callback',
      postLogoutRedirectUri: 'https://notes.example.com/',
    },
    api: { id: api.id, indicator },
  };
}
