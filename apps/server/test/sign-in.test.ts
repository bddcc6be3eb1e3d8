import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS_OFF } from '../src/config/rate-limit-config.ts';
import {
  CookieJar,
  loginFormOf,
  type SignInRealm,
  signInRealm,
  startSignInServer,
  submitLogin,
} from './support/sign-in.ts';
import { TestClock } from './support/test-clock.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * The authorization endpoint, the login page and the token endpoint's code grant, request by
 * request with Realmkit's own code: every error case of the sign-in (sign-in.openid-client.test.ts
 * drives the happy paths with a certified relying party).
 */
const clock = new TestClock();
let server: TestServer;
let setup: SignInRealm;
let issuer: string;

beforeAll(async () => {
  server = await startSignInServer({ clock: clock.now });
  setup = await signInRealm(server, 'signin');
  issuer = `${server.url}/oauth2/${setup.realm.name}`;
});
afterAll(() => server?.close());

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An authorization URL of the spa client, with `overrides` (undefined: leave the parameter out). */
function authorizeUrl(overrides: Record<string, string | undefined> = {}, challenge = pkce().challenge): string {
  const params: Record<string, string | undefined> = {
    client_id: setup.spa.clientId,
    redirect_uri: setup.spa.redirectUri,
    response_type: 'code',
    scope: 'openid profile email offline_access',
    state: 'xyz',
    nonce: 'n-0S6_WzA2Mj',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return `${issuer}/authorize?${query}`;
}

const credentials = () => ({ identifier: setup.user.email, password: setup.user.password });

/** Signs in through the page; returns the code and the browser. */
async function signIn(challenge: string, jar = new CookieJar(), overrides: Record<string, string> = {}) {
  const answer = await submitLogin(jar, server.url, authorizeUrl(overrides, challenge), credentials());
  expect(answer.status).toBe(303);
  const location = new URL(answer.headers.get('location') as string);
  return { code: location.searchParams.get('code') as string, location, jar };
}

function exchange(form: Record<string, string>) {
  return server.call('POST', `/oauth2/${setup.realm.name}/token`, {
    form: {
      grant_type: 'authorization_code',
      client_id: setup.spa.clientId,
      redirect_uri: setup.spa.redirectUri,
      ...form,
    },
  });
}

function redirectParams(response: Response): URLSearchParams {
  expect(response.status).toBe(303);
  return new URL(response.headers.get('location') as string).searchParams;
}

describe('authorization endpoint', () => {
  it('shows an error page and never redirects for an unknown client or an unregistered redirect URI', async () => {
    for (const overrides of [
      { client_id: 'nobody' },
      { client_id: undefined },
      { redirect_uri: 'http://localhost:5173/other' },
      { redirect_uri: `${setup.spa.redirectUri}/` },
      { redirect_uri: undefined },
    ]) {
      const response = await fetch(authorizeUrl(overrides), { redirect: 'manual' });
      expect(response.status, JSON.stringify(overrides)).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('<h1>');
    }
  });

  it('sends the other errors to the redirect URI with state and iss (RFC 6749 §4.1.2.1, RFC 9207)', async () => {
    const cases: [Record<string, string | undefined>, string][] = [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ response_type: undefined }, 'invalid_request'],
      [{ code_challenge: undefined }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge_method: undefined }, 'invalid_request'],
      [{ code_challenge: 'short' }, 'invalid_request'],
      [{ resource: 'https://unknown.example' }, 'invalid_target'],
      [{ prompt: 'none login' }, 'invalid_request'],
      [{ max_age: 'soon' }, 'invalid_request'],
      [{ prompt: 'none' }, 'login_required'],
    ];
    for (const [overrides, error] of cases) {
      const params = redirectParams(await fetch(authorizeUrl(overrides), { redirect: 'manual' }));
      expect(params.get('error'), JSON.stringify(overrides)).toBe(error);
      expect(params.get('state')).toBe('xyz');
      expect(params.get('iss')).toBe(issuer);
      expect(params.get('error_description')).toBeTruthy();
    }
  });

  it('refuses a client that may not use the code flow with unauthorized_client', async () => {
    const m2m = await server.createRealmClient(setup.realm.name, []);
    const m2mApp = await server.expectCall(
      200,
      'GET',
      `/api/v1/${setup.realm.name}/applications/${m2m.applicationId}`,
      {
        token: setup.admin,
      },
    );
    expect(m2mApp.redirect_uris).toEqual([]);
    // An m2m application has no redirect URI, so nothing can be redirected: the page says so.
    const response = await fetch(authorizeUrl({ client_id: m2m.clientId }), { redirect: 'manual' });
    expect(response.status).toBe(400);

    const app = await server.expectCall(201, 'POST', `/api/v1/${setup.realm.name}/applications`, {
      token: setup.admin,
      json: {
        name: 'refresh only',
        type: 'spa',
        redirect_uris: [setup.spa.redirectUri],
        grant_types: ['refresh_token'],
      },
    });
    const params = redirectParams(await fetch(authorizeUrl({ client_id: app.client_id }), { redirect: 'manual' }));
    expect(params.get('error')).toBe('unauthorized_client');
  });
});

describe('login page', () => {
  it('is a form a password manager and a keyboard can use, that no other site may frame', async () => {
    const response = await fetch(authorizeUrl());
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<label for="identifier">Email or username</label>');
    expect(html).toMatch(/<input[^>]+id="identifier"[^>]+autocomplete="username"/);
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toMatch(/<input type="password"[^>]+autocomplete="current-password"/);
    expect(html).toContain('<button type="submit">Sign in</button>');
    expect(html).toContain('Notes (SPA)');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self' http://localhost:5173");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    // A browser sends `Origin: null` with a form posted under no-referrer, and the CSRF check refuses that.
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('rk_form='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toContain(`Path=/oauth2/${setup.realm.name}`);
  });

  it('shows the realm display name', async () => {
    await server.expectCall(200, 'PATCH', `/api/v1/realms/${setup.realm.id}`, {
      token: setup.admin,
      json: { display_name: 'Acme Notes' },
    });
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // the hot-path cache interval
    const html = await (await fetch(authorizeUrl())).text();
    expect(html).toContain('Acme Notes');
  });

  it('says the same thing for a wrong password and an unknown account, and keeps what was typed', async () => {
    for (const identifier of [setup.user.email, `nobody-${randomBytes(3).toString('hex')}@example.com`]) {
      const jar = new CookieJar();
      const answer = await submitLogin(jar, server.url, authorizeUrl(), { identifier, password: 'wrong password!' });
      expect(answer.status).toBe(401);
      const html = await answer.text();
      expect(html).toContain('role="alert"');
      expect(html).toContain('The email, username or password is not correct.');
      expect(html).toContain(`value="${identifier}"`);
      expect(jar.cookies.has('rk_session')).toBe(false);
    }
  });

  it('signs in by username too, case-insensitively, and sets a session cookie scoped to the realm', async () => {
    const { verifier, challenge } = pkce();
    const jar = new CookieJar();
    const answer = await submitLogin(jar, server.url, authorizeUrl({}, challenge), {
      identifier: setup.user.username.toUpperCase(),
      password: setup.user.password,
    });
    const params = redirectParams(answer);
    expect(params.get('state')).toBe('xyz');
    expect(params.get('iss')).toBe(issuer);
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('rk_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toContain(`Path=/oauth2/${setup.realm.name}`);
    expect(cookie).not.toMatch(/Secure/i); // the issuer is http here
    const tokens = await exchange({ code: params.get('code') as string, code_verifier: verifier });
    expect(tokens.status).toBe(200);
  });

  it('refuses a post without the form cookie or from another origin (CSRF)', async () => {
    const jar = new CookieJar();
    const page = await jar.fetch(authorizeUrl());
    const form = loginFormOf(await page.text());
    const post = (headers: Record<string, string>) =>
      fetch(new URL(form.action, server.url), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ interaction: form.interaction, ...credentials() }),
      });
    const cookie = `rk_form=${jar.cookies.get('rk_form')}`;
    expect((await post({})).status).toBe(403);
    expect((await post({ cookie: 'rk_form=AAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(403);
    expect((await post({ cookie, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ cookie, origin: 'null' })).status).toBe(403);
    expect((await post({ cookie, origin: server.url })).status).toBe(303);
  });

  it('refuses an altered or expired form', async () => {
    const jar = new CookieJar();
    const form = loginFormOf(await (await jar.fetch(authorizeUrl())).text());
    const post = (interaction: string) =>
      jar.fetch(new URL(form.action, server.url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ interaction, ...credentials() }).toString(),
      });
    expect((await post(`${form.interaction.slice(0, -4)}AAAA`)).status).toBe(400);
    clock.advance(31 * 60 * 1000);
    expect((await post(form.interaction)).status).toBe(400);
  });

  it('does not let a suspended user sign in', async () => {
    const email = `suspended-${randomBytes(3).toString('hex')}@example.com`;
    const user = await server.expectCall(201, 'POST', `/api/v1/${setup.realm.name}/users`, {
      token: setup.admin,
      json: { email, password: 'a good password 1', is_suspended: true },
    });
    expect(user.is_suspended).toBe(true);
    const answer = await submitLogin(new CookieJar(), server.url, authorizeUrl(), {
      identifier: email,
      password: 'a good password 1',
    });
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('suspended');
  });
});

describe('sessions and single sign-on', () => {
  it('signs a second application in without the form; prompt=login and max_age ask again', async () => {
    const { jar } = await signIn(pkce().challenge);
    const other = await server.expectCall(201, 'POST', `/api/v1/${setup.realm.name}/applications`, {
      token: setup.admin,
      json: { name: 'Second app', type: 'native', redirect_uris: ['com.example.notes:/callback'] },
    });
    const silent = await jar.fetch(
      authorizeUrl({ client_id: other.client_id, redirect_uri: 'com.example.notes:/callback', prompt: 'none' }),
    );
    const location = silent.headers.get('location') as string;
    expect(location.startsWith('com.example.notes:/callback?code=')).toBe(true);

    expect((await jar.fetch(authorizeUrl({ prompt: 'login' }))).status).toBe(200);
    clock.advance(5_000);
    expect((await jar.fetch(authorizeUrl({ max_age: '1' }))).status).toBe(200);
    expect((await jar.fetch(authorizeUrl({ max_age: '3600' }))).status).toBe(303);
    expect(redirectParams(await jar.fetch(authorizeUrl({ prompt: 'none', max_age: '1' }))).get('error')).toBe(
      'login_required',
    );
  });

  it('ends a session after its idle lifetime', async () => {
    const { jar } = await signIn(pkce().challenge);
    expect((await jar.fetch(authorizeUrl({ prompt: 'none' }))).headers.get('location')).toContain('code=');
    clock.advance(3 * 24 * 3600 * 1000 + 1000);
    const params = redirectParams(await jar.fetch(authorizeUrl({ prompt: 'none' })));
    expect(params.get('error')).toBe('login_required');
  });

  it('puts auth_time, sid and nonce in the ID token of a single sign-on', async () => {
    const { jar } = await signIn(pkce().challenge);
    const { verifier, challenge } = pkce();
    const silent = await jar.fetch(authorizeUrl({ nonce: 'second-nonce' }, challenge));
    const code = new URL(silent.headers.get('location') as string).searchParams.get('code') as string;
    const tokens = await exchange({ code, code_verifier: verifier });
    const claims = decodeJwt(tokens.body.id_token);
    expect(claims.nonce).toBe('second-nonce');
    expect(typeof claims.sid).toBe('string');
    expect(claims.auth_time).toBeLessThanOrEqual(claims.iat as number);
  });
});

describe('authorization code grant', () => {
  it('works once; a second use fails and revokes the tokens the first gave', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await signIn(challenge);
    const first = await exchange({ code, code_verifier: verifier });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const userinfo = () =>
      server.call('GET', `/oauth2/${setup.realm.name}/userinfo`, { token: first.body.access_token });
    expect((await userinfo()).status).toBe(200);

    const second = await exchange({ code, code_verifier: verifier });
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    const refused = await userinfo();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const refresh = await server.call('POST', `/oauth2/${setup.realm.name}/token`, {
      form: { grant_type: 'refresh_token', client_id: setup.spa.clientId, refresh_token: first.body.refresh_token },
    });
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('is bound to the PKCE verifier, the redirect URI and the client', async () => {
    const { verifier, challenge } = pkce();
    const cases: Record<string, string>[] = [
      { code_verifier: pkce().verifier },
      { code_verifier: verifier, redirect_uri: 'http://localhost:5173/other' },
      { code_verifier: verifier, client_id: setup.web.clientId },
    ];
    for (const overrides of cases) {
      const { code } = await signIn(challenge);
      const form = { code, ...overrides };
      const response =
        overrides.client_id === setup.web.clientId
          ? await server.call('POST', `/oauth2/${setup.realm.name}/token`, {
              form: { grant_type: 'authorization_code', redirect_uri: setup.spa.redirectUri, ...form },
              headers: { authorization: `Basic ${btoa(`${setup.web.clientId}:${setup.web.clientSecret}`)}` },
            })
          : await exchange(form);
      expect(response.status, JSON.stringify(overrides)).toBe(400);
      expect(response.body.error).toBe('invalid_grant');
    }
    const { code } = await signIn(challenge);
    const missing = await exchange({ code });
    expect(missing.body).toMatchObject({ error: 'invalid_request' });
  });

  it('expires after 60 seconds', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await signIn(challenge);
    clock.advance(61_000);
    const response = await exchange({ code, code_verifier: verifier });
    expect(response.body.error).toBe('invalid_grant');
  });

  it('gives no tokens, and no refresh, once the user is suspended or deleted', async () => {
    // Earlier tests moved the clock by days: a token of now.
    const admin = await server.masterToken();
    /** A new user, signed in; its tokens. */
    const signedInUser = async () => {
      const email = `later-${randomBytes(3).toString('hex')}@example.com`;
      const user = await server.expectCall(201, 'POST', `/api/v1/${setup.realm.name}/users`, {
        token: admin,
        json: { email, password: 'a good password 2' },
      });
      const { verifier, challenge } = pkce();
      const answer = await submitLogin(new CookieJar(), server.url, authorizeUrl({}, challenge), {
        identifier: email,
        password: 'a good password 2',
      });
      const tokens = await exchange({ code: redirectParams(answer).get('code') as string, code_verifier: verifier });
      expect(tokens.status).toBe(200);
      return { user, tokens: tokens.body };
    };
    const refused = async (tokens: { access_token: string; refresh_token: string }) => {
      const userinfo = await server.call('GET', `/oauth2/${setup.realm.name}/userinfo`, { token: tokens.access_token });
      expect(userinfo.status).toBe(401);
      const refresh = await server.call('POST', `/oauth2/${setup.realm.name}/token`, {
        form: { grant_type: 'refresh_token', client_id: setup.spa.clientId, refresh_token: tokens.refresh_token },
      });
      expect(refresh.body.error).toBe('invalid_grant');
    };

    const suspended = await signedInUser();
    await server.expectCall(200, 'PATCH', `/api/v1/${setup.realm.name}/users/${suspended.user.id}/is-suspended`, {
      token: admin,
      json: { is_suspended: true },
    });
    await refused(suspended.tokens);

    const deleted = await signedInUser();
    await server.expectCall(204, 'DELETE', `/api/v1/${setup.realm.name}/users/${deleted.user.id}`, { token: admin });
    await refused(deleted.tokens);
  });
});

describe('userinfo', () => {
  it('needs a user token for the userinfo endpoint with openid', async () => {
    const none = await server.call('GET', `/oauth2/${setup.realm.name}/userinfo`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const machine = await server.createRealmClient(setup.realm.name, ['users:read']);
    const machineToken = await server.token(setup.realm.name, machine);
    expect((await server.call('GET', `/oauth2/${setup.realm.name}/userinfo`, { token: machineToken })).status).toBe(
      401,
    );
    const { verifier, challenge } = pkce();
    const { code } = await signIn(challenge, new CookieJar(), { scope: 'email' });
    const tokens = await exchange({ code, code_verifier: verifier });
    expect(tokens.body.id_token).toBeUndefined();
    const noOpenid = await server.call('GET', `/oauth2/${setup.realm.name}/userinfo`, {
      token: tokens.body.access_token,
    });
    expect(noOpenid.status).toBe(403);
    expect(noOpenid.body.error).toBe('insufficient_scope');
  });

  it('answers POST as GET, with the claims of the scopes only', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await signIn(challenge, new CookieJar(), { scope: 'openid email' });
    const tokens = await exchange({ code, code_verifier: verifier });
    const response = await server.call('POST', `/oauth2/${setup.realm.name}/userinfo`, {
      token: tokens.body.access_token,
    });
    expect(response.body).toEqual({ sub: setup.user.id, email: setup.user.email, email_verified: true });
  });
});

describe('logout', () => {
  it('never redirects to an unregistered post_logout_redirect_uri', async () => {
    const response = await fetch(
      `${issuer}/logout?${new URLSearchParams({ client_id: setup.spa.clientId, post_logout_redirect_uri: 'https://evil.example/' })}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('asks the user to confirm a logout without an id_token_hint, then ends the session', async () => {
    const { jar } = await signIn(pkce().challenge);
    const page = await jar.fetch(
      `${issuer}/logout?${new URLSearchParams({ client_id: setup.spa.clientId, post_logout_redirect_uri: setup.spa.postLogoutRedirectUri, state: 's1' })}`,
    );
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Sign out');
    const form = loginFormOf(html);
    // Still signed in until the user confirms.
    expect((await jar.fetch(authorizeUrl({ prompt: 'none' }))).headers.get('location')).toContain('code=');
    const confirmed = await jar.fetch(new URL(form.action, server.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ interaction: form.interaction }).toString(),
    });
    expect(confirmed.headers.get('location')).toBe(`${setup.spa.postLogoutRedirectUri}?state=s1`);
    expect(redirectParams(await jar.fetch(authorizeUrl({ prompt: 'none' }))).get('error')).toBe('login_required');
  });
});

describe('login rate limit', () => {
  // Delays after failed sign-ins at one account: sign-in-guessing.test.ts.
  it('answers 429 with Retry-After past the per-IP limit, whatever the password and the account', async () => {
    const limited = await startTestServer({
      config: { rateLimits: { ...RATE_LIMITS_OFF, loginPerIp: { points: 3, durationSeconds: 3600 } } },
    });
    try {
      const local = await signInRealm(limited, 'limited');
      const url = `${limited.url}/oauth2/${local.realm.name}/authorize?${new URLSearchParams({
        client_id: local.spa.clientId,
        redirect_uri: local.spa.redirectUri,
        response_type: 'code',
        scope: 'openid',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      })}`;
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let attempt = 0; attempt < 4; attempt++) {
        last = await submitLogin(new CookieJar(), limited.url, url, {
          identifier: local.user.email,
          password: attempt < 3 ? 'wrong password!' : local.user.password,
        });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await last?.text()).toContain('Too many sign-in attempts');
      // The address's posts are counted across accounts.
      const other = await submitLogin(new CookieJar(), limited.url, url, {
        identifier: 'else@example.com',
        password: 'x',
      });
      expect(other.status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('login page templates', () => {
  it("renders a realm's own login.html from REALMKIT_TEMPLATES_DIR, its inline style allowed by hash", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'realmkit-templates-'));
    const custom = await startSignInServer({}, { templatesDir: dir });
    try {
      const local = await signInRealm(custom, 'themed');
      mkdirSync(path.join(dir, local.realm.name));
      const style = 'body{background:#123456}';
      writeFileSync(
        path.join(dir, local.realm.name, 'login.html'),
        `<!doctype html><title>Acme</title><style>${style}</style><h1>Welcome to {{application_name}}</h1>` +
          '<form method="post" action="{{action}}"><input type="hidden" name="interaction" value="{{form}}">' +
          '<label>Login <input name="identifier"></label><label>Secret <input type="password" name="password"></label>' +
          '<p>{{error}}</p><button>Go</button></form>',
      );
      const url = `${custom.url}/oauth2/${local.realm.name}/authorize?${new URLSearchParams({
        client_id: local.spa.clientId,
        redirect_uri: local.spa.redirectUri,
        response_type: 'code',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      })}`;
      const page = await fetch(url);
      const html = await page.text();
      expect(html).toContain('Welcome to Notes (SPA)');
      const hash = createHash('sha256').update(style).digest('base64');
      expect(page.headers.get('content-security-policy')).toContain(`style-src 'sha256-${hash}'`);
      // The overridden form still signs in.
      const answer = await submitLogin(new CookieJar(), custom.url, url, {
        identifier: local.user.email,
        password: local.user.password,
      });
      expect(answer.status).toBe(303);
      // Another realm keeps the built-in page.
      const other = await signInRealm(custom, 'plain');
      const builtIn = await fetch(
        url.replace(local.realm.name, other.realm.name).replace(local.spa.clientId, other.spa.clientId),
      );
      expect(await builtIn.text()).toContain('Email or username');
    } finally {
      await custom.close();
    }
  });
});

describe('CORS of the OAuth endpoints', () => {
  it('answers any browser origin without credentials, and adds nothing to a request without Origin', async () => {
    const preflight = await fetch(`${issuer}/token`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`, {
      headers: { origin: 'http://localhost:5173' },
    });
    expect(discovery.headers.get('access-control-allow-origin')).toBe('*');
    const serverToServer = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(serverToServer.headers.get('access-control-allow-origin')).toBeNull();
    // The pages are not for other origins' scripts.
    const page = await fetch(authorizeUrl(), { headers: { origin: 'http://localhost:5173' } });
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });
});
