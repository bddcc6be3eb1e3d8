import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ClientCredentials,
  PermissionDeniedError,
  Realmkit,
  type TokenSource,
} from '../src/index.ts';
import { adminClient, baseUrl, countingFetch, createRealm, masterClient } from './support/realmkit.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** Lifetime in ms of the master realm's Management API tokens, as its resource says. */
async function managementTokenLifetimeMs(): Promise<number> {
  const management = (await masterClient().resources.list()).data[0];
  if (!management?.is_management_api) throw new Error('the Management API is not listed first');
  return management.access_token_ttl * 1000;
}

describe('fetch', () => {
  it("calls the given fetch as a plain function, as a browser's own fetch must be called", async () => {
    // A browser's fetch throws "Illegal invocation" when called as a method of another object.
    const browserLikeFetch = function (this: unknown, ...args: Parameters<typeof fetch>) {
      if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
      return fetch(...args);
    };
    const rk = new Realmkit({ baseUrl, realm: 'master', ...adminClient, fetch: browserLikeFetch });
    expect((await rk.users.list()).meta.current_page).toBe(1);
  });
});

describe('token provider', () => {
  it('single flight: 100 concurrent calls of a cold client send one token request', async () => {
    const counting = countingFetch();
    const rk = new Realmkit({ baseUrl, realm: 'master', ...adminClient, fetch: counting.fetch });
    const pages = await Promise.all(Array.from({ length: 100 }, () => rk.users.list()));
    expect(pages).toHaveLength(100);
    for (const page of pages) expect(page.meta.current_page).toBe(1);
    expect(counting.tokenRequests()).toBe(1);
    expect(counting.requests()).toBe(101);
  });

  it('refreshes the token once 90% of its life has passed, not before', async () => {
    const lifetime = await managementTokenLifetimeMs();
    const counting = countingFetch();
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    const rk = new Realmkit({ baseUrl, realm: 'master', ...adminClient, fetch: counting.fetch });

    await rk.users.list();
    expect(counting.tokenRequests()).toBe(1);
    vi.setSystemTime(start + lifetime * 0.5);
    await rk.users.list();
    vi.setSystemTime(start + lifetime * 0.89);
    await rk.users.list();
    expect(counting.tokenRequests()).toBe(1);

    vi.setSystemTime(start + lifetime * 0.91);
    await rk.users.list();
    expect(counting.tokenRequests()).toBe(2);
    // The new token is kept in turn.
    vi.setSystemTime(start + lifetime * 0.95);
    await rk.users.list();
    expect(counting.tokenRequests()).toBe(2);
    expect(counting.requests()).toBe(7);
  });

  it('on a 401 refreshes the token once and retries the call once', async () => {
    const real = new ClientCredentials({ baseUrl, realm: 'master', ...adminClient });
    let handedOut = 0;
    const invalidate = vi.fn((token?: string) => real.invalidate(token));
    const tokenSource: TokenSource = {
      getToken: (options) => (handedOut++ === 0 ? Promise.resolve('garbage.not-a.jwt') : real.getToken(options)),
      invalidate,
    };
    const counting = countingFetch();
    const rk = new Realmkit({ baseUrl, realm: 'master', tokenSource, fetch: counting.fetch });

    const page = await rk.realms.list({ search: 'master' });
    expect(page.data.map((r) => r.name)).toContain('master');
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(invalidate).toHaveBeenCalledWith('garbage.not-a.jwt');
    expect(handedOut).toBe(2);
    expect(counting.requests()).toBe(2);

    // The good token is used from then on, with no further refresh.
    await rk.users.list();
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(counting.requests()).toBe(3);
  });

  it('gives up with AuthenticationError after two API attempts when every token is refused', async () => {
    const invalidate = vi.fn();
    const tokenSource: TokenSource = { getToken: () => Promise.resolve('garbage-token'), invalidate };
    const counting = countingFetch();
    const rk = new Realmkit({ baseUrl, realm: 'master', tokenSource, fetch: counting.fetch });

    const error = await rk.users.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, error: 'invalid_token' });
    expect(counting.requests()).toBe(2);
    expect(counting.tokenRequests()).toBe(0);
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it('narrows the token to the scopes option', async () => {
    const rk = masterClient({ scopes: ['users:read'] });
    const token = await (rk.tokens as ClientCredentials).getAccessToken();
    expect(token.scope).toBe('users:read');
    expect(decodeJwt(token.accessToken).scope).toBe('users:read');

    await expect(rk.users.list()).resolves.toMatchObject({ meta: { current_page: 1 } });
    const denied = await rk.roles.list().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect(denied).toMatchObject({ status: 403, error: 'insufficient_scope' });
    await expect(rk.users.create({ email: 'nope@example.com' })).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});

describe('ClientCredentials alone', () => {
  it('gets a token for a custom API resource, with its scope and audience', async () => {
    const { name: realm, admin } = await createRealm('sdk-token');
    const indicator = 'https://api.sdk-test.example';
    const api = await admin.resources.create({ name: 'SDK test API', indicator, access_token_ttl: 600 });
    const readThings = await admin.resources.scopes.create(api.id, { name: 'read:things' });
    await admin.resources.scopes.create(api.id, { name: 'write:things' });
    const role = await admin.roles.create({ name: 'reader' });
    await admin.roles.scopes.assign(role.id, [readThings.id]);
    const app = await admin.applications.create({ name: 'things-worker', type: 'm2m' });
    await admin.applications.roles.assign(app.id, [role.id]);
    const clientSecret = app.client_secret!;

    const credentials = new ClientCredentials({
      baseUrl,
      realm,
      clientId: app.client_id,
      clientSecret,
      resource: indicator,
    });
    const before = Date.now();
    const token = await credentials.getAccessToken();
    expect(token.scope).toBe('read:things');
    expect(token.expiresAt - before).toBeGreaterThan(590_000);
    expect(token.expiresAt - before).toBeLessThanOrEqual(600_000 + 1000);
    expect(token.refreshAt).toBeLessThan(token.expiresAt);
    expect(await credentials.getToken()).toBe(token.accessToken);

    const claims = decodeJwt(token.accessToken);
    expect(claims).toMatchObject({ aud: indicator, scope: 'read:things', client_id: app.client_id });
    const jwks = createRemoteJWKSet(new URL(`${baseUrl}/oauth2/${realm}/jwks`));
    const { payload } = await jwtVerify(token.accessToken, jwks, {
      audience: indicator,
      issuer: `${baseUrl}/oauth2/${realm}`,
    });
    expect(payload.sub).toBe(app.client_id);

    // A scope the roles do not hold cannot be granted.
    const narrow = new ClientCredentials({
      baseUrl,
      realm,
      clientId: app.client_id,
      clientSecret,
      resource: indicator,
      scopes: ['write:things'],
    });
    const notGranted = await narrow.getAccessToken().catch((e: unknown) => e);
    expect(notGranted).toBeInstanceOf(BadRequestError);
    expect(notGranted).toMatchObject({ status: 400, error: 'invalid_scope' });

    const wrong = new ClientCredentials({
      baseUrl,
      realm,
      clientId: app.client_id,
      clientSecret: `${clientSecret}x`,
      resource: indicator,
    });
    const refused = await wrong.getToken().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toMatchObject({ status: 401, error: 'invalid_client' });
    expect((refused as AuthenticationError).message).toEqual(expect.any(String));
  });
});
