import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOT_PATH_CACHE_TTL_MS } from '../src/hot-path/hot-path.service.ts';
import { CLOCK_TOLERANCE_S } from '../src/oauth/access-tokens.ts';
import { startTestServer, startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

// Token requests and bearer checks read realms, applications and grants through a per-process
// cache (oauth/hot-path-cache.ts): a write on an instance is seen there at once, and by the other
// instances within HOT_PATH_CACHE_TTL_MS.

let server: TestServer;
let other: TestServer;
let admin: string;
let realm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm } = await startWithRealms('hot-path'));
  other = await startTestServer();
});
afterAll(async () => {
  await other?.close();
  await server?.close();
});

/** The token endpoint's status for `client` on `instance`. */
async function tokenStatus(instance: TestServer, client: { clientId: string; clientSecret: string }) {
  const response = await instance.call('POST', `/oauth2/${realm.name}/token`, {
    form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret },
  });
  return { status: response.status, body: response.body as { scope?: string; error?: string } };
}

describe('the hot-path cache', () => {
  it('remembers a verified access token for less than the expiry leeway a fresh verification grants', () => {
    // Else a token verified just before its `exp` would be taken for longer after it than jose takes it.
    expect(HOT_PATH_CACHE_TTL_MS).toBeLessThan(CLOCK_TOLERANCE_S * 1000);
  });

  it('on the instance that wrote: a removed scope, a rotated secret, a deleted application take effect at once', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read', 'users:write']);
    const token = await server.token(realm.name, client);
    expect((await tokenStatus(server, client)).body.scope).toBe('users:read users:write');
    // Verified once here, and remembered (oauth/access-tokens.ts) until this instance's next write.
    expect((await server.call('GET', `/api/v1/${realm.name}/users`, { token })).status).toBe(200);

    const scopes = await server.expectCall(200, 'GET', `/api/v1/${realm.name}/roles/${client.roleId}/scopes`, {
      token: admin,
    });
    const write = (scopes as { id: string; name: string }[]).find((scope) => scope.name === 'users:write');
    if (!write) throw new Error('the role holds no users:write');
    await server.expectCall(204, 'DELETE', `/api/v1/${realm.name}/roles/${client.roleId}/scopes/${write.id}`, {
      token: admin,
    });
    expect((await tokenStatus(server, client)).body.scope).toBe('users:read');

    const rotated = await server.expectCall(
      200,
      'POST',
      `/api/v1/${realm.name}/applications/${client.applicationId}/secret`,
      {
        token: admin,
      },
    );
    expect((await tokenStatus(server, client)).status).toBe(401);
    const renewed = { clientId: client.clientId, clientSecret: rotated.client_secret as string };
    expect((await tokenStatus(server, renewed)).status).toBe(200);

    await server.expectCall(204, 'DELETE', `/api/v1/${realm.name}/applications/${client.applicationId}`, {
      token: admin,
    });
    expect((await tokenStatus(server, renewed)).status).toBe(401);
    expect((await server.call('GET', `/api/v1/${realm.name}/users`, { token })).status).toBe(401);
  });

  it('is emptied by a successful write that can change it: not by a user write, nor by a refused one', async () => {
    const generation = () => server.services.hotPath.generation;
    const before = generation();
    await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      json: { email: `kept-${Date.now()}@example.com`, password: 'correct horse battery' },
    });
    await server.expectCall(201, 'POST', '/api/users', {
      token: admin,
      json: {
        realmName: realm.name,
        username: `kept-${Date.now()}`,
        email: `kept-by-name-${Date.now()}@example.com`,
        password: 'SecurePass123!',
      },
    });
    expect(generation()).toBe(before);
    // Refused: a 400 (bad body) and a 401 (no token) change nothing.
    await server.expectCall(400, 'POST', `/api/v1/${realm.name}/roles`, { token: admin, json: { name: '' } });
    await server.expectCall(401, 'POST', `/api/v1/${realm.name}/roles`, { json: { name: 'anonymous' } });
    expect(generation()).toBe(before);
    await server.expectCall(201, 'POST', `/api/v1/${realm.name}/roles`, {
      token: admin,
      json: { name: `emptied-${Date.now()}` },
    });
    expect(generation()).toBeGreaterThan(before);
  });

  it('on another instance: a deleted application stops getting tokens within the cache interval', {
    timeout: 20_000,
  }, async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    expect((await tokenStatus(other, client)).status).toBe(200); // now in the other instance's cache
    await server.expectCall(204, 'DELETE', `/api/v1/${realm.name}/applications/${client.applicationId}`, {
      token: admin,
    });
    let polls = 0;
    while ((await tokenStatus(other, client)).status === 200) {
      polls++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await tokenStatus(other, client)).body.error).toBe('invalid_client');
    // Bounded by the interval (with slack for a busy machine), never refused on the first poll by chance of timing alone.
    expect(polls * 100).toBeLessThan(HOT_PATH_CACHE_TTL_MS + 5_000);
  });

  it("on another instance: a deleted application's access token stops working within the cache interval", {
    timeout: 20_000,
  }, async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const token = await other.token(realm.name, client);
    const listUsers = () => other.call('GET', `/api/v1/${realm.name}/users`, { token });
    expect((await listUsers()).status).toBe(200); // verified, and remembered, by the other instance
    await server.expectCall(204, 'DELETE', `/api/v1/${realm.name}/applications/${client.applicationId}`, {
      token: admin,
    });
    let polls = 0;
    while ((await listUsers()).status === 200) {
      polls++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const refused = await listUsers();
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/no longer exists/);
    expect(polls * 100).toBeLessThan(HOT_PATH_CACHE_TTL_MS + 5_000);
  });
});
