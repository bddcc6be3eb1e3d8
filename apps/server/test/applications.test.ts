import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;
let otherRealm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm, otherRealm } = await startWithRealms('apps'));
});
afterAll(() => server?.close());

const apps = (ref = realm.name) => `/api/v1/${ref}/applications`;
const CLIENT_ID = /^[A-Za-z0-9_-]{16,}$/;

async function createApp(json: Record<string, unknown>, ref = realm.name) {
  const response = await server.call('POST', apps(ref), { token: admin, json });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.data;
}

async function createRole(name: string, ref = realm.name) {
  const response = await server.call('POST', `/api/v1/${ref}/roles`, { token: admin, json: { name } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.data as { id: string; name: string };
}

/** A raw client_credentials request, to look at refusals. */
function tokenRequest(realmName: string, clientId: string, clientSecret: string) {
  return server.call('POST', `/oauth2/${realmName}/token`, {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
  });
}

async function secretHashOf(id: string): Promise<string | null | undefined> {
  const [row] = await server.services.orm.em
    .fork()
    .execute<{ client_secret_hash: string | null }[]>('select client_secret_hash from applications where id = ?', [id]);
  return row?.client_secret_hash;
}

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

describe('applications: create, get, list', () => {
  it.each([
    ['spa', ['https://myapp.com/callback']],
    ['native', ['com.example.app:/callback']],
    ['traditional', ['https://myapp.com/callback', 'http://localhost:3000/cb']],
    ['m2m', []],
  ] as const)('creates a %s application', async (type, redirectUris) => {
    const response = await server.call('POST', apps(), {
      token: admin,
      json: { name: `My ${type}`, type, redirect_uris: redirectUris },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const app = response.body.data;
    expect(app).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: `My ${type}`,
      description: null,
      type,
      client_id: expect.stringMatching(CLIENT_ID),
      redirect_uris: redirectUris,
    });
    expect(new Date(app.created_at).toISOString()).toBe(app.created_at);
    expect(app.updated_at).toEqual(expect.any(String));
    expect(JSON.stringify(response.body)).not.toMatch(/hash/i);

    const confidential = type === 'traditional' || type === 'm2m';
    if (confidential) {
      expect(app.client_secret).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{32,}$/));
    } else {
      expect(app).not.toHaveProperty('client_secret');
    }

    const fetched = await server.call('GET', `${apps()}/${app.id}`, { token: admin });
    expect(fetched.status).toBe(200);
    const { client_secret: _secret, ...withoutSecret } = app;
    expect(fetched.body).toEqual({ data: withoutSecret });
    expect(fetched.body.data).not.toHaveProperty('client_secret');

    const listed = await server.call('GET', `${apps()}?search=${encodeURIComponent(app.client_id)}`, { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([withoutSecret]);
    // No secret and no hash of one, by any name (`token_endpoint_auth_method` may say `client_secret_basic`).
    expect(JSON.stringify(listed.body)).not.toMatch(/"(previous_)?client_secret(_hash)?":/);

    const hash = await secretHashOf(app.id);
    if (confidential) {
      expect(hash).toEqual(expect.any(String));
      expect(hash).not.toBe(app.client_secret);
      expect(hash).not.toContain(app.client_secret);
    } else {
      expect(hash).toBeNull();
    }
  });

  it('gives every application its own client id, and an m2m secret works at the token endpoint', async () => {
    const first = await createApp({ name: 'Machine one', type: 'm2m', description: 'Cron jobs' });
    const second = await createApp({ name: 'Machine two', type: 'm2m' });
    expect(first.description).toBe('Cron jobs');
    expect(first.client_id).not.toBe(second.client_id);
    expect(first.client_secret).not.toBe(second.client_secret);

    const token = await server.token(realm.name, { clientId: first.client_id, clientSecret: first.client_secret });
    expect(token.split('.')).toHaveLength(3);
    const wrong = await tokenRequest(realm.name, first.client_id, second.client_secret);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
  });

  it('400: an unknown type names `type`; an unknown field is refused', async () => {
    const badType = await server.call('POST', apps(), { token: admin, json: { name: 'x', type: 'desktop' } });
    expect(badType.status).toBe(400);
    expect(badType.body.error).toBe('invalid_request');
    expect(badType.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'type' })]));

    const unknown = await server.call('POST', apps(), {
      token: admin,
      json: { name: 'x', type: 'spa', client_secret: 'mine' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      error: 'invalid_request',
      message: expect.stringContaining('"client_secret"'),
      details: [{ path: 'client_secret', message: 'Unknown field' }],
    });

    const noName = await server.call('POST', apps(), { token: admin, json: { type: 'spa' } });
    expect(noName.status).toBe(400);
    expect(noName.body.details[0].path).toBe('name');
  });

  describe('listing', () => {
    let listRealm: { id: string; name: string };

    beforeAll(async () => {
      listRealm = await server.createRealm(admin, 'apps-list');
      for (const [name, type] of [
        ['Alpha web', 'spa'],
        ['Beta mobile', 'native'],
        ['Gamma backend', 'traditional'],
        ['Delta worker', 'm2m'],
      ] as const) {
        await createApp({ name, type }, listRealm.name);
      }
    });

    it('paginates newest first, with the total of every page', async () => {
      // Five: the four above, and the console application the realm was created with.
      const first = await server.call('GET', `${apps(listRealm.name)}?per_page=2`, { token: admin });
      expect(first.status).toBe(200);
      expect(first.body.meta).toEqual({ current_page: 1, per_page: 2, total: 5 });
      expect(first.body.data.map((a: { name: string }) => a.name)).toEqual(['Delta worker', 'Gamma backend']);

      const second = await server.call('GET', `${apps(listRealm.name)}?per_page=2&page=2`, { token: admin });
      expect(second.body.meta).toEqual({ current_page: 2, per_page: 2, total: 5 });
      expect(second.body.data.map((a: { name: string }) => a.name)).toEqual(['Beta mobile', 'Alpha web']);
      const third = await server.call('GET', `${apps(listRealm.name)}?per_page=2&page=3`, { token: admin });
      expect(third.body.data.map((a: { name: string }) => a.name)).toEqual(['Realmkit console']);
      expect(JSON.stringify([first.body, second.body])).not.toMatch(/"(previous_)?client_secret(_hash)?":/);
    });

    it('searches names case-insensitively by substring', async () => {
      const found = await server.call('GET', `${apps(listRealm.name)}?search=MOBI`, { token: admin });
      expect(found.status).toBe(200);
      expect(found.body.meta.total).toBe(1);
      expect(found.body.data.map((a: { name: string }) => a.name)).toEqual(['Beta mobile']);

      const none = await server.call('GET', `${apps(listRealm.name)}?search=nothing-like-this`, { token: admin });
      expect(none.body).toEqual({ data: [], meta: { current_page: 1, per_page: 20, total: 0 } });
    });
  });
});

describe('applications: redirect URIs', () => {
  const WEB_OK = ['https://myapp.com/callback', 'http://localhost:3000/cb', 'http://127.0.0.1/cb', 'http://[::1]/cb'];
  const WEB_BAD = ['http://example.com/cb', '/callback', 'https://myapp.com/cb#frag', 'com.example.app:/cb'];

  it.each(['spa', 'traditional'] as const)('%s: https or loopback http only, absolute, no fragment', async (type) => {
    const ok = await createApp({ name: `${type} ok`, type, redirect_uris: WEB_OK });
    expect(ok.redirect_uris).toEqual(WEB_OK);

    const bad = await server.call('POST', apps(), {
      token: admin,
      json: { name: `${type} bad`, type, redirect_uris: ['https://myapp.com/fine', ...WEB_BAD] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe('validation_failed');
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual([
      'redirect_uris.1',
      'redirect_uris.2',
      'redirect_uris.3',
      'redirect_uris.4',
    ]);
    for (const detail of bad.body.details) expect(detail.message).toEqual(expect.any(String));

    for (const uri of WEB_BAD) {
      const one = await server.call('POST', apps(), { token: admin, json: { name: 'x', type, redirect_uris: [uri] } });
      expect(one.status, uri).toBe(422);
      expect(one.body.details, uri).toEqual([{ path: 'redirect_uris.0', message: expect.any(String) }]);
    }
  });

  it('native: private-use schemes with a dot, and https; not bare schemes or javascript:', async () => {
    const ok = await createApp({
      name: 'native ok',
      type: 'native',
      redirect_uris: ['com.example.app:/callback', 'https://myapp.com/callback'],
    });
    expect(ok.redirect_uris).toEqual(['com.example.app:/callback', 'https://myapp.com/callback']);

    const bad = await server.call('POST', apps(), {
      token: admin,
      json: {
        name: 'native bad',
        type: 'native',
        redirect_uris: ['com.example.app:/callback', 'myapp:/cb', 'javascript:alert(1)'],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['redirect_uris.1', 'redirect_uris.2']);
  });

  it('m2m: no redirect URI at all', async () => {
    const bad = await server.call('POST', apps(), {
      token: admin,
      json: { name: 'm2m bad', type: 'm2m', redirect_uris: ['https://myapp.com/callback'] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe('validation_failed');
    expect(bad.body.details).toEqual([{ path: expect.stringMatching(/^redirect_uris/), message: expect.any(String) }]);
    const listed = await server.call('GET', `${apps()}?search=m2m%20bad`, { token: admin });
    expect(listed.body.meta.total).toBe(0);
  });

  it("PATCH checks new redirect URIs against the application's type", async () => {
    const spa = await createApp({ name: 'patch spa', type: 'spa' });
    const refused = await server.call('PATCH', `${apps()}/${spa.id}`, {
      token: admin,
      json: { redirect_uris: ['https://myapp.com/cb', 'com.example.app:/callback'] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([{ path: 'redirect_uris.1', message: expect.any(String) }]);
    expect((await server.call('GET', `${apps()}/${spa.id}`, { token: admin })).body.data.redirect_uris).toEqual([]);

    const native = await createApp({ name: 'patch native', type: 'native' });
    const accepted = await server.call('PATCH', `${apps()}/${native.id}`, {
      token: admin,
      json: { redirect_uris: ['com.example.app:/callback'] },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.data.redirect_uris).toEqual(['com.example.app:/callback']);

    const m2m = await createApp({ name: 'patch m2m', type: 'm2m' });
    const m2mRefused = await server.call('PATCH', `${apps()}/${m2m.id}`, {
      token: admin,
      json: { redirect_uris: ['https://myapp.com/cb'] },
    });
    expect(m2mRefused.status).toBe(422);
    expect(m2mRefused.body.error).toBe('validation_failed');
  });
});

describe('applications: update and delete', () => {
  it('PATCH changes name, description and redirect URIs, and moves updated_at', async () => {
    const app = await createApp({ name: 'Before', type: 'spa', redirect_uris: ['https://before.example/cb'] });
    const response = await server.call('PATCH', `${apps()}/${app.id}`, {
      token: admin,
      json: { name: 'After', description: 'Now described', redirect_uris: ['https://after.example/cb'] },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      id: app.id,
      name: 'After',
      description: 'Now described',
      type: 'spa',
      client_id: app.client_id,
      redirect_uris: ['https://after.example/cb'],
      created_at: app.created_at,
    });
    expect(Date.parse(response.body.data.updated_at)).toBeGreaterThanOrEqual(Date.parse(app.created_at));
    expect(Date.parse(response.body.data.updated_at)).toBeGreaterThanOrEqual(Date.parse(app.updated_at));
    expect(response.body.data).not.toHaveProperty('client_secret');

    const fetched = await server.call('GET', `${apps()}/${app.id}`, { token: admin });
    expect(fetched.body.data).toEqual(response.body.data);

    const cleared = await server.call('PATCH', `${apps()}/${app.id}`, { token: admin, json: { description: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data).toMatchObject({ name: 'After', description: null });
  });

  it('PATCH refuses type and client_id (immutable) with 400 and changes nothing', async () => {
    const app = await createApp({ name: 'Immutable', type: 'spa' });
    for (const [field, value] of [
      ['type', 'm2m'],
      ['client_id', 'my-own-client-id-123'],
    ] as const) {
      const response = await server.call('PATCH', `${apps()}/${app.id}`, {
        token: admin,
        json: { name: 'Changed', [field]: value },
      });
      expect(response.status, field).toBe(400);
      expect(response.body).toMatchObject({
        error: 'invalid_request',
        details: [{ path: field, message: 'Unknown field' }],
      });
    }
    const fetched = await server.call('GET', `${apps()}/${app.id}`, { token: admin });
    expect(fetched.body.data).toMatchObject({ name: 'Immutable', type: 'spa', client_id: app.client_id });
  });

  it('DELETE answers 204, then 404 for GET and for a second DELETE', async () => {
    const app = await createApp({ name: 'Doomed', type: 'traditional' });
    const deleted = await server.call('DELETE', `${apps()}/${app.id}`, { token: admin });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');

    const gone = await server.call('GET', `${apps()}/${app.id}`, { token: admin });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: 'not_found', message: expect.any(String) });
    const again = await server.call('DELETE', `${apps()}/${app.id}`, { token: admin });
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('not_found');
  });

  it('a deleted m2m application gets no new token, and its earlier token is refused (issue 8)', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const token = await server.token(realm.name, client);
    expect((await server.call('GET', `/api/v1/${realm.name}/users`, { token })).status).toBe(200);

    expect((await server.call('DELETE', `${apps()}/${client.applicationId}`, { token: admin })).status).toBe(204);

    const refused = await tokenRequest(realm.name, client.clientId, client.clientSecret);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');

    const refusedToken = await server.call('GET', `/api/v1/${realm.name}/users`, { token });
    expect(refusedToken.status).toBe(401);
    expect(refusedToken.body.error).toBe('invalid_token');

    const role = await server.call('GET', `/api/v1/${realm.name}/roles/${client.roleId}`, { token: admin });
    expect(role.status).toBe(200);
  });
});

describe('applications: secret rotation', () => {
  it('m2m: a new secret, the old one refused at once, the new one working', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const before = await secretHashOf(client.applicationId);
    const response = await server.call('POST', `${apps()}/${client.applicationId}/secret`, { token: admin });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      id: client.applicationId,
      type: 'm2m',
      client_id: client.clientId,
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{32,}$/),
    });
    const newSecret: string = response.body.data.client_secret;
    expect(newSecret).not.toBe(client.clientSecret);
    const after = await secretHashOf(client.applicationId);
    expect(after).not.toBe(before);
    expect(after).not.toBe(newSecret);

    const old = await tokenRequest(realm.name, client.clientId, client.clientSecret);
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_client');

    const token = await server.token(realm.name, { clientId: client.clientId, clientSecret: newSecret });
    expect((await server.call('GET', `/api/v1/${realm.name}/users`, { token })).status).toBe(200);

    const fetched = await server.call('GET', `${apps()}/${client.applicationId}`, { token: admin });
    expect(fetched.body.data).not.toHaveProperty('client_secret');
  });

  it('traditional: rotates too', async () => {
    const app = await createApp({ name: 'Rotating web', type: 'traditional' });
    const response = await server.call('POST', `${apps()}/${app.id}/secret`, { token: admin });
    expect(response.status).toBe(200);
    expect(response.body.data.client_secret).toEqual(expect.any(String));
    expect(response.body.data.client_secret).not.toBe(app.client_secret);
  });

  it('422 for public types; 404 for an unknown application', async () => {
    for (const type of ['spa', 'native'] as const) {
      const app = await createApp({ name: `Public ${type}`, type });
      const response = await server.call('POST', `${apps()}/${app.id}/secret`, { token: admin });
      expect(response.status, type).toBe(422);
      expect(response.body).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
      expect(response.body).not.toHaveProperty('data');
      expect(await secretHashOf(app.id)).toBeNull();
    }
    const unknown = await server.call('POST', `${apps()}/${randomUUID()}/secret`, { token: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('not_found');
  });
});

describe('applications: roles', () => {
  const roles = (appId: string, ref = realm.name) => `${apps(ref)}/${appId}/roles`;
  const names = (body: { data: { name: string }[] }) => body.data.map((role) => role.name);

  it('lists none, assigns idempotently, lists by name, removes', async () => {
    const app = await createApp({ name: 'Role holder', type: 'm2m' });
    const empty = await server.call('GET', roles(app.id), { token: admin });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ data: [], meta: { current_page: 1, per_page: 20, total: 0 } });

    const suffix = randomBytes(3).toString('hex');
    const zeta = await createRole(`zeta-${suffix}`);
    const alpha = await createRole(`alpha-${suffix}`);
    const assigned = await server.call('POST', roles(app.id), {
      token: admin,
      json: { role_ids: [zeta.id, alpha.id] },
    });
    expect(assigned.status).toBe(204);
    expect(assigned.body).toBe('');

    const listed = await server.call('GET', roles(app.id), { token: admin });
    expect(listed.status).toBe(200);
    expect(names(listed.body)).toEqual([alpha.name, zeta.name]);
    expect(listed.body.meta).toEqual({ current_page: 1, per_page: 20, total: 2 });
    expect(listed.body.data[0]).toMatchObject({ id: alpha.id, name: alpha.name, description: null });

    const again = await server.call('POST', roles(app.id), {
      token: admin,
      json: { role_ids: [alpha.id, zeta.id, alpha.id] },
    });
    expect(again.status).toBe(204);
    const relisted = await server.call('GET', roles(app.id), { token: admin });
    expect(relisted.body.meta.total).toBe(2);
    expect(names(relisted.body)).toEqual([alpha.name, zeta.name]);

    const removed = await server.call('DELETE', `${roles(app.id)}/${zeta.id}`, { token: admin });
    expect(removed.status).toBe(204);
    const removedAgain = await server.call('DELETE', `${roles(app.id)}/${zeta.id}`, { token: admin });
    expect(removedAgain.status).toBe(404);
    expect(removedAgain.body.error).toBe('not_found');
    expect(names((await server.call('GET', roles(app.id), { token: admin })).body)).toEqual([alpha.name]);
  });

  it('422 all or nothing: an unknown id or a role of another realm is named, and nothing is assigned', async () => {
    const app = await createApp({ name: 'Strict holder', type: 'm2m' });
    const kept = await createRole(unique('kept'));
    const fresh = await createRole(unique('fresh'));
    const foreign = await createRole(unique('foreign'), otherRealm.name);
    await server.expectCall(204, 'POST', roles(app.id), { token: admin, json: { role_ids: [kept.id] } });

    const missing = randomUUID();
    const unknown = await server.call('POST', roles(app.id), {
      token: admin,
      json: { role_ids: [fresh.id, missing] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({
      error: 'validation_failed',
      message: expect.stringContaining(missing),
      details: [{ path: 'role_ids.1', message: expect.stringContaining(missing) }],
    });

    const other = await server.call('POST', roles(app.id), {
      token: admin,
      json: { role_ids: [foreign.id, fresh.id] },
    });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({
      error: 'validation_failed',
      details: [{ path: 'role_ids.0', message: expect.any(String) }],
    });

    const listed = await server.call('GET', roles(app.id), { token: admin });
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([kept.id]);
    expect(listed.body.meta.total).toBe(1);
  });

  it('422 for a non-m2m application, 400 for an empty or malformed list, 404 for an unknown application', async () => {
    const role = await createRole(unique('spa-role'));
    const spa = await createApp({ name: 'No roles here', type: 'spa' });
    const refused = await server.call('POST', roles(spa.id), { token: admin, json: { role_ids: [role.id] } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('validation_failed');
    expect((await server.call('GET', roles(spa.id), { token: admin })).body.meta.total).toBe(0);

    const m2m = await createApp({ name: 'Holder for 400', type: 'm2m' });
    const empty = await server.call('POST', roles(m2m.id), { token: admin, json: { role_ids: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toBe('invalid_request');
    expect(empty.body.details[0].path).toBe('role_ids');

    const malformed = await server.call('POST', roles(m2m.id), { token: admin, json: { role_ids: ['not-a-uuid'] } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('invalid_request');
    expect(malformed.body.details[0].path).toBe('role_ids.0');

    const missing = randomUUID();
    for (const [method, path, json] of [
      ['GET', roles(missing), undefined],
      ['POST', roles(missing), { role_ids: [role.id] }],
      ['DELETE', `${roles(missing)}/${role.id}`, undefined],
    ] as const) {
      const response = await server.call(method, path, { token: admin, json });
      expect(response.status, method).toBe(404);
      expect(response.body.error, method).toBe('not_found');
    }

    const badRoleId = await server.call('DELETE', `${roles(m2m.id)}/not-a-uuid`, { token: admin });
    expect(badRoleId.status).toBe(400);
  });
});

describe('applications: authorization and realm isolation', () => {
  it('applications:read lists but may not create (403); no token is 401', async () => {
    const client = await server.createRealmClient(realm.name, ['applications:read']);
    const token = await server.token(realm.name, client);

    const listed = await server.call('GET', apps(), { token });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ id: client.applicationId })]));

    const created = await server.call('POST', apps(), { token, json: { name: 'Nope', type: 'spa' } });
    expect(created.status).toBe(403);
    expect(created.body).toMatchObject({
      error: 'insufficient_scope',
      message: expect.stringContaining('applications:write'),
    });
    expect((await server.call('GET', `${apps()}?search=Nope`, { token })).body.meta.total).toBe(0);

    const anonymous = await server.call('GET', apps());
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_token');
    const anonymousCreate = await server.call('POST', apps(), { json: { name: 'Nope', type: 'spa' } });
    expect(anonymousCreate.status).toBe(401);
    expect(anonymousCreate.body.error).toBe('invalid_token');
  });

  it("404 for an application of realm B addressed under realm A's path", async () => {
    const foreign = await createApp({ name: 'Foreign', type: 'm2m', description: 'Lives in B' }, otherRealm.name);
    const path = `${apps(realm.name)}/${foreign.id}`;
    for (const [method, suffix, json] of [
      ['GET', '', undefined],
      ['PATCH', '', { name: 'Hijacked' }],
      ['DELETE', '', undefined],
      ['POST', '/secret', undefined],
      ['GET', '/roles', undefined],
    ] as const) {
      const response = await server.call(method, `${path}${suffix}`, { token: admin, json });
      expect(response.status, `${method} ${suffix}`).toBe(404);
      expect(response.body.error, `${method} ${suffix}`).toBe('not_found');
    }

    const stillThere = await server.call('GET', `${apps(otherRealm.name)}/${foreign.id}`, { token: admin });
    expect(stillThere.status).toBe(200);
    expect(stillThere.body.data).toMatchObject({ name: 'Foreign', description: 'Lives in B' });
    await server.token(otherRealm.name, { clientId: foreign.client_id, clientSecret: foreign.client_secret });

    const listedInA = await server.call('GET', `${apps(realm.name)}?search=${foreign.client_id}`, { token: admin });
    expect(listedInA.body.meta.total).toBe(0);
  });

  it("a realm-A token cannot reach realm B's applications (401)", async () => {
    const client = await server.createRealmClient(realm.name, ['applications:read', 'applications:write']);
    const token = await server.token(realm.name, client);
    expect((await server.call('GET', apps(realm.id), { token })).status).toBe(200);

    for (const [method, json] of [
      ['GET', undefined],
      ['POST', { name: 'Intruder', type: 'spa' }],
    ] as const) {
      for (const ref of [otherRealm.name, otherRealm.id]) {
        const response = await server.call(method, apps(ref), { token, json });
        expect(response.status, `${method} ${ref}`).toBe(401);
        expect(response.body.error).toBe('invalid_token');
      }
    }
    const listedInB = await server.call('GET', `${apps(otherRealm.name)}?search=Intruder`, { token: admin });
    expect(listedInB.body.meta.total).toBe(0);
  });
});
