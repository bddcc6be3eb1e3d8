import { randomUUID } from 'node:crypto';
import { MASTER_ONLY_SCOPES, REALM_MANAGEMENT_SCOPES } from '@realmkit/contract';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ISSUER_URL } from './support/constants.ts';
import { ISO_TIMESTAMP, UUID } from './support/matchers.ts';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;
let otherRealm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm, otherRealm } = await startWithRealms('resources'));
});
afterAll(() => server?.close());

const api = (ref = realm.name) => `/api/v1/${ref}`;
const resources = (ref = realm.name) => `${api(ref)}/resources`;

/** The contract's list: the built-in resource must carry exactly these, whatever they become. */
const REALM_SCOPES = [...REALM_MANAGEMENT_SCOPES];

async function createResource(json: Record<string, unknown>, ref = realm.name) {
  const response = await server.call('POST', resources(ref), { token: admin, json });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.data;
}

async function createScope(resourceId: string, json: Record<string, unknown>, ref = realm.name) {
  const response = await server.call('POST', `${resources(ref)}/${resourceId}/scopes`, { token: admin, json });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.data;
}

async function listScopes(resourceId: string, query = '', ref = realm.name) {
  const response = await server.call('GET', `${resources(ref)}/${resourceId}/scopes${query}`, { token: admin });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

const names = (items: { name: string }[]) => items.map((item) => item.name);

describe('resources: the built-in Management API', () => {
  it('is listed first, with the realm indicator and exactly the realm scopes of the contract', async () => {
    const older = await createResource({ name: 'Listed Older', indicator: 'https://listed-older.example' });
    const newer = await createResource({ name: 'Listed Newer', indicator: 'https://listed-newer.example' });
    const listed = await server.call('GET', resources(), { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.data[0]).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Management API',
      indicator: `${TEST_ISSUER_URL}/api/v1/${realm.name}`,
      access_token_ttl: 3600,
      is_management_api: true,
      created_at: expect.stringMatching(ISO_TIMESTAMP),
      updated_at: expect.stringMatching(ISO_TIMESTAMP),
    });
    expect(listed.body.data.filter((r: { is_management_api: boolean }) => r.is_management_api)).toHaveLength(1);
    // Then newest first.
    const ids = listed.body.data.map((r: { id: string }) => r.id);
    expect(ids.indexOf(newer.id)).toBeGreaterThan(0);
    expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));

    const scopes = await listScopes(listed.body.data[0].id, '?per_page=100');
    expect(scopes.meta.total).toBe(REALM_SCOPES.length);
    expect(names(scopes.data)).toEqual([...REALM_SCOPES].sort());
    for (const scope of scopes.data) {
      expect(scope).toEqual({
        id: expect.stringMatching(UUID),
        resource_id: listed.body.data[0].id,
        name: scope.name,
        description: expect.any(String),
        created_at: expect.stringMatching(ISO_TIMESTAMP),
        updated_at: expect.stringMatching(ISO_TIMESTAMP),
      });
    }
  });

  it("the master realm's also has realms:read and realms:write", async () => {
    const listed = await server.expectCall(200, 'GET', resources('master'), { token: admin });
    const management = listed[0];
    expect(management).toMatchObject({
      name: 'Management API',
      indicator: `${TEST_ISSUER_URL}/api/v1/master`,
      is_management_api: true,
      access_token_ttl: 3600,
    });
    const scopes = await listScopes(management.id, '?per_page=100', 'master');
    expect(names(scopes.data)).toEqual([...REALM_SCOPES, ...MASTER_ONLY_SCOPES].sort());
  });

  it('is read-only: every write answers 422 read_only and changes nothing', async () => {
    const [management] = await server.expectCall(200, 'GET', resources(), { token: admin });
    const before = await listScopes(management.id, '?per_page=100');
    const usersRead = before.data.find((s: { name: string }) => s.name === 'users:read');

    const base = `${resources()}/${management.id}`;
    for (const [method, path, json] of [
      ['PATCH', base, { name: 'Renamed', access_token_ttl: 60 }],
      ['DELETE', base, undefined],
      ['POST', `${base}/scopes`, { name: 'extra:scope' }],
      ['PATCH', `${base}/scopes/${usersRead.id}`, { name: 'users:everything', description: 'x' }],
      ['DELETE', `${base}/scopes/${usersRead.id}`, undefined],
    ] as const) {
      const response = await server.call(method, path, { token: admin, json });
      expect(response.status, `${method} ${path}`).toBe(422);
      expect(response.body).toMatchObject({ error: 'read_only', message: expect.any(String) });
    }

    expect(await server.expectCall(200, 'GET', base, { token: admin })).toEqual(management);
    expect(await listScopes(management.id, '?per_page=100')).toEqual(before);
  });
});

describe('resources: creating', () => {
  it('creates the reference example with the defaults, readable by realm name or UUID', async () => {
    const created = await server.call('POST', resources(), {
      token: admin,
      json: { name: 'My API', indicator: 'https://api.myapp.com' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      data: {
        id: expect.stringMatching(UUID),
        name: 'My API',
        indicator: 'https://api.myapp.com',
        access_token_ttl: 3600,
        is_management_api: false,
        created_at: expect.stringMatching(ISO_TIMESTAMP),
        updated_at: expect.stringMatching(ISO_TIMESTAMP),
      },
    });
    for (const ref of [realm.name, realm.id]) {
      const got = await server.call('GET', `${resources(ref)}/${created.body.data.id}`, { token: admin });
      expect(got.status, ref).toBe(200);
      expect(got.body).toEqual(created.body);
    }
    expect(await listScopes(created.body.data.id)).toEqual({
      data: [],
      meta: { current_page: 1, per_page: 20, total: 0 },
    });
  });

  it('access_token_ttl is 60..86400; the indicator an absolute URI without fragment', async () => {
    for (const ttl of [60, 86_400]) {
      const resource = await createResource({
        name: `TTL ${ttl}`,
        indicator: `https://ttl-${ttl}.example`,
        access_token_ttl: ttl,
      });
      expect(resource.access_token_ttl).toBe(ttl);
    }
    const cases: [Record<string, unknown>, string][] = [
      [{ access_token_ttl: 59 }, 'access_token_ttl'],
      [{ access_token_ttl: 86_401 }, 'access_token_ttl'],
      [{ access_token_ttl: 600.5 }, 'access_token_ttl'],
      [{ access_token_ttl: '3600' }, 'access_token_ttl'],
      [{ indicator: 'not a uri' }, 'indicator'],
      [{ indicator: '/relative' }, 'indicator'],
      [{ indicator: 'https://x.example/#frag' }, 'indicator'],
      [{ name: '' }, 'name'],
      [{ is_management_api: true }, 'is_management_api'],
    ];
    for (const [override, field] of cases) {
      const json = { name: 'Bad', indicator: 'https://bad.example', ...override };
      const response = await server.call('POST', resources(), { token: admin, json });
      expect(response.status, JSON.stringify(override)).toBe(400);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.details[0].path, JSON.stringify(override)).toBe(field);
    }
    const listed = await server.expectCall(200, 'GET', `${resources()}?search=bad.example`, { token: admin });
    expect(listed).toEqual([]);
  });

  it('indicators are unique per realm (409), not across realms', async () => {
    const first = await createResource({ name: 'Dup', indicator: 'https://dup.example' });
    const duplicate = await server.call('POST', resources(), {
      token: admin,
      json: { name: 'Dup again', indicator: 'https://dup.example' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({
      error: 'conflict',
      message: expect.any(String),
      details: [{ path: 'indicator', message: expect.any(String) }],
    });
    const elsewhere = await createResource({ name: 'Dup', indicator: 'https://dup.example' }, otherRealm.name);
    expect(elsewhere.id).not.toBe(first.id);
  });

  it('10 simultaneous creates with one indicator: one 201 and nine 409s', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        server.call('POST', resources(), {
          token: admin,
          json: { name: `Race ${i}`, indicator: 'https://race.example' },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(response.body).toMatchObject({ error: 'conflict', details: [{ path: 'indicator' }] });
    }
    const listed = await server.call('GET', `${resources()}?search=race.example`, { token: admin });
    expect(listed.body.meta.total).toBe(1);
  });
});

describe('resources: updating and deleting', () => {
  it('updates name and access_token_ttl; the indicator is immutable', async () => {
    const resource = await createResource({ name: 'Mutable', indicator: 'https://mutable.example' });
    const updated = await server.call('PATCH', `${resources()}/${resource.id}`, {
      token: admin,
      json: { name: 'Renamed API', access_token_ttl: 900 },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({
      id: resource.id,
      name: 'Renamed API',
      indicator: 'https://mutable.example',
      access_token_ttl: 900,
      is_management_api: false,
      created_at: resource.created_at,
    });
    expect(Date.parse(updated.body.data.updated_at)).toBeGreaterThanOrEqual(Date.parse(resource.updated_at));

    for (const json of [{ indicator: 'https://elsewhere.example' }, { access_token_ttl: 59 }, { name: '' }]) {
      const refused = await server.call('PATCH', `${resources()}/${resource.id}`, { token: admin, json });
      expect(refused.status, JSON.stringify(json)).toBe(400);
      expect(refused.body.error).toBe('invalid_request');
      expect(refused.body.details[0].path).toBe(Object.keys(json)[0]);
    }
    const indicator = await server.call('PATCH', `${resources()}/${resource.id}`, {
      token: admin,
      json: { indicator: 'https://elsewhere.example' },
    });
    expect(indicator.body.details).toEqual([{ path: 'indicator', message: 'Unknown field' }]);

    const reread = await server.call('GET', `${resources()}/${resource.id}`, { token: admin });
    expect(reread.body.data).toEqual(updated.body.data);
  });

  it('404 for an unknown id; DELETE answers 204, then 404', async () => {
    const unknown = await server.call('GET', `${resources()}/${randomUUID()}`, { token: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'not_found', message: expect.any(String) });

    const resource = await createResource({ name: 'Doomed', indicator: 'https://doomed.example' });
    const deleted = await server.call('DELETE', `${resources()}/${resource.id}`, { token: admin });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    expect((await server.call('GET', `${resources()}/${resource.id}`, { token: admin })).status).toBe(404);
    const again = await server.call('DELETE', `${resources()}/${resource.id}`, { token: admin });
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('not_found');
    // The indicator is free again.
    await createResource({ name: 'Reborn', indicator: 'https://doomed.example' });
  });
});

describe('resources: scopes', () => {
  let blog: { id: string };
  let shop: { id: string };

  beforeAll(async () => {
    blog = await createResource({ name: 'Blog API', indicator: 'https://blog.example' });
    shop = await createResource({ name: 'Shop API', indicator: 'https://shop.example' });
  });

  it('adds the reference scope; names are unique per resource and RFC 6749 scope-tokens', async () => {
    const created = await server.call('POST', `${resources()}/${blog.id}/scopes`, {
      token: admin,
      json: { name: 'read:posts', description: 'Read blog posts' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      data: {
        id: expect.stringMatching(UUID),
        resource_id: blog.id,
        name: 'read:posts',
        description: 'Read blog posts',
        created_at: expect.stringMatching(ISO_TIMESTAMP),
        updated_at: expect.stringMatching(ISO_TIMESTAMP),
      },
    });

    const duplicate = await server.call('POST', `${resources()}/${blog.id}/scopes`, {
      token: admin,
      json: { name: 'read:posts' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: 'conflict', details: [{ path: 'name' }] });

    const other = await createScope(shop.id, { name: 'read:posts' });
    expect(other).toMatchObject({ resource_id: shop.id, name: 'read:posts', description: null });

    for (const name of ['has space', 'quote"x', 'back\\slash', '', 'é']) {
      const response = await server.call('POST', `${resources()}/${blog.id}/scopes`, { token: admin, json: { name } });
      expect(response.status, name).toBe(400);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.details[0].path).toBe('name');
    }
    expect(names((await listScopes(blog.id)).data)).toEqual(['read:posts']);
  });

  it('lists by name, with search on name and description and pagination', async () => {
    const catalog = await createResource({ name: 'Catalog API', indicator: 'https://catalog.example' });
    for (const [name, description] of [
      ['write:items', 'Write catalog items'],
      ['admin', null],
      ['read:items', 'Read catalog items'],
      ['delete:items', 'Remove entries'],
    ] as const) {
      await createScope(catalog.id, { name, ...(description ? { description } : {}) });
    }
    const all = await listScopes(catalog.id);
    expect(names(all.data)).toEqual(['admin', 'delete:items', 'read:items', 'write:items']);
    expect(all.meta).toEqual({ current_page: 1, per_page: 20, total: 4 });
    expect(names((await listScopes(catalog.id, '?search=ITEMS')).data)).toEqual([
      'delete:items',
      'read:items',
      'write:items',
    ]);
    expect(names((await listScopes(catalog.id, '?search=catalog')).data)).toEqual(['read:items', 'write:items']);
    expect(names((await listScopes(catalog.id, '?search=entries')).data)).toEqual(['delete:items']);
    const page = await listScopes(catalog.id, '?per_page=3&page=2');
    expect(page).toMatchObject({ meta: { current_page: 2, per_page: 3, total: 4 } });
    expect(names(page.data)).toEqual(['write:items']);
  });

  it('updates a scope (the reference example); 409 on a rename onto an existing name', async () => {
    const read = await createScope(shop.id, { name: 'read:orders', description: 'Read orders' });
    const write = await createScope(shop.id, { name: 'write:orders' });

    const described = await server.call('PATCH', `${resources()}/${shop.id}/scopes/${read.id}`, {
      token: admin,
      json: { description: 'Read all blog posts' },
    });
    expect(described.status).toBe(200);
    expect(described.body.data).toMatchObject({
      id: read.id,
      resource_id: shop.id,
      name: 'read:orders',
      description: 'Read all blog posts',
      created_at: read.created_at,
    });

    const renamed = await server.call('PATCH', `${resources()}/${shop.id}/scopes/${write.id}`, {
      token: admin,
      json: { name: 'orders:write', description: null },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ id: write.id, name: 'orders:write', description: null });

    const clash = await server.call('PATCH', `${resources()}/${shop.id}/scopes/${write.id}`, {
      token: admin,
      json: { name: 'read:orders' },
    });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ error: 'conflict', details: [{ path: 'name' }] });

    const invalid = await server.call('PATCH', `${resources()}/${shop.id}/scopes/${write.id}`, {
      token: admin,
      json: { name: 'has space' },
    });
    expect(invalid.status).toBe(400);

    const listed = await listScopes(shop.id, '?search=orders');
    expect(listed.data).toEqual([renamed.body.data, described.body.data]);
  });

  it("a scope is 404 under another resource's path; DELETE answers 204, then 404", async () => {
    const scope = await createScope(blog.id, { name: 'delete:posts', description: 'Delete posts' });
    for (const [method, json] of [
      ['PATCH', { description: 'moved' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await server.call(method, `${resources()}/${shop.id}/scopes/${scope.id}`, {
        token: admin,
        json,
      });
      expect(response.status, method).toBe(404);
      expect(response.body.error).toBe('not_found');
    }
    const unknown = await server.call('PATCH', `${resources()}/${blog.id}/scopes/${randomUUID()}`, {
      token: admin,
      json: { description: 'x' },
    });
    expect(unknown.status).toBe(404);
    expect((await listScopes(blog.id, '?search=delete')).data).toEqual([scope]);

    const deleted = await server.call('DELETE', `${resources()}/${blog.id}/scopes/${scope.id}`, { token: admin });
    expect(deleted.status).toBe(204);
    expect((await listScopes(blog.id, '?search=delete')).data).toEqual([]);
    const again = await server.call('DELETE', `${resources()}/${blog.id}/scopes/${scope.id}`, { token: admin });
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('not_found');
  });
});

describe('resources: cascades and tokens', () => {
  it('deleting a scope or a resource removes its scopes from roles, and the resource from token requests', async () => {
    const target = await createResource({
      name: 'Cascade API',
      indicator: 'https://cascade.example',
      access_token_ttl: 600,
    });
    const survivor = await createResource({ name: 'Survivor API', indicator: 'https://survivor.example' });
    const survivorRead = await createScope(survivor.id, { name: 'survivor:read' });
    await createScope(target.id, { name: 'cascade:read' });
    const cascadeWrite = await createScope(target.id, { name: 'cascade:write' });

    const client = await server.createRealmClient(realm.name, ['cascade:read', 'cascade:write'], target.id);
    await server.expectCall(204, 'POST', `${api()}/roles/${client.roleId}/scopes`, {
      token: admin,
      json: { scope_ids: [survivorRead.id] },
    });
    const roleScopes = async () =>
      names(await server.expectCall(200, 'GET', `${api()}/roles/${client.roleId}/scopes`, { token: admin }));
    expect(await roleScopes()).toEqual(['cascade:read', 'cascade:write', 'survivor:read']);

    const tokenRequest = (resource: string) =>
      server.call('POST', `/oauth2/${realm.name}/token`, {
        form: {
          grant_type: 'client_credentials',
          client_id: client.clientId,
          client_secret: client.clientSecret,
          resource,
        },
      });
    const issued = await tokenRequest('https://cascade.example');
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ scope: 'cascade:read cascade:write', expires_in: 600 });
    expect(decodeJwt(issued.body.access_token)).toMatchObject({
      aud: 'https://cascade.example',
      scope: 'cascade:read cascade:write',
    });

    // A new access_token_ttl applies to tokens issued from then on.
    await server.expectCall(200, 'PATCH', `${resources()}/${target.id}`, {
      token: admin,
      json: { access_token_ttl: 120 },
    });
    expect((await tokenRequest('https://cascade.example')).body.expires_in).toBe(120);

    await server.expectCall(204, 'DELETE', `${resources()}/${target.id}/scopes/${cascadeWrite.id}`, { token: admin });
    expect(await roleScopes()).toEqual(['cascade:read', 'survivor:read']);
    expect((await tokenRequest('https://cascade.example')).body.scope).toBe('cascade:read');

    await server.expectCall(204, 'DELETE', `${resources()}/${target.id}`, { token: admin });
    expect(await roleScopes()).toEqual(['survivor:read']);
    expect((await server.call('GET', `${resources()}/${target.id}/scopes`, { token: admin })).status).toBe(404);

    const refused = await tokenRequest('https://cascade.example');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_target');
    const other = await tokenRequest('https://survivor.example');
    expect(other.status).toBe(200);
    expect(other.body.scope).toBe('survivor:read');
  });
});

describe('resources: authorization', () => {
  it('resources:read lists but cannot write (403); no token is 401', async () => {
    const resource = await createResource({ name: 'Guarded', indicator: 'https://guarded.example' });
    const readOnly = await server.masterToken('resources:read');
    expect((await server.call('GET', resources(), { token: readOnly })).status).toBe(200);
    expect((await server.call('GET', `${resources()}/${resource.id}/scopes`, { token: readOnly })).status).toBe(200);

    for (const [method, path, json] of [
      ['POST', resources(), { name: 'Nope', indicator: 'https://nope.example' }],
      ['PATCH', `${resources()}/${resource.id}`, { name: 'Nope' }],
      ['DELETE', `${resources()}/${resource.id}`, undefined],
      ['POST', `${resources()}/${resource.id}/scopes`, { name: 'nope' }],
    ] as const) {
      const response = await server.call(method, path, { token: readOnly, json });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body).toMatchObject({
        error: 'insufficient_scope',
        message: expect.stringContaining('resources:write'),
      });
    }
    expect(await server.expectCall(200, 'GET', `${resources()}/${resource.id}`, { token: admin })).toEqual(resource);
    expect((await listScopes(resource.id)).data).toEqual([]);

    const rolesOnly = await server.masterToken('roles:read');
    expect((await server.call('GET', resources(), { token: rolesOnly })).status).toBe(403);

    const anonymous = await server.call('GET', resources());
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_token');
  });
});

describe('resources: realm isolation', () => {
  it("a resource of another realm is 404 on every route under this realm's path, and stays untouched", async () => {
    const foreign = await createResource(
      { name: 'Foreign API', indicator: 'https://foreign.example' },
      otherRealm.name,
    );
    const foreignScope = await createScope(foreign.id, { name: 'foreign:read' }, otherRealm.name);
    const [foreignManagement] = await server.expectCall(200, 'GET', resources(otherRealm.name), { token: admin });

    for (const id of [foreign.id, foreignManagement.id]) {
      for (const [method, suffix, json] of [
        ['GET', '', undefined],
        ['PATCH', '', { name: 'Hijacked' }],
        ['DELETE', '', undefined],
        ['GET', '/scopes', undefined],
        ['POST', '/scopes', { name: 'hijack:all' }],
        ['PATCH', `/scopes/${foreignScope.id}`, { description: 'hijacked' }],
        ['DELETE', `/scopes/${foreignScope.id}`, undefined],
      ] as const) {
        const response = await server.call(method, `${resources()}/${id}${suffix}`, { token: admin, json });
        expect(response.status, `${method} ${suffix}`).toBe(404);
        expect(response.body.error).toBe('not_found');
      }
    }

    expect(
      await server.expectCall(200, 'GET', `${resources(otherRealm.name)}/${foreign.id}`, { token: admin }),
    ).toEqual(foreign);
    expect((await listScopes(foreign.id, '', otherRealm.name)).data).toEqual([foreignScope]);
  });
});
