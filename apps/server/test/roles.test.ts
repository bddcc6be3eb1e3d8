import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ISSUER_URL } from './support/constants.ts';
import { ISO_TIMESTAMP, UUID } from './support/matchers.ts';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;
let otherRealm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm, otherRealm } = await startWithRealms('roles'));
});
afterAll(() => server?.close());

const api = (ref = realm.name) => `/api/v1/${ref}`;
const roles = (ref = realm.name) => `${api(ref)}/roles`;

async function createRole(json: Record<string, unknown>, ref = realm.name) {
  const response = await server.call('POST', roles(ref), { token: admin, json });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.data;
}

/** The realm's built-in Management API resource and its scopes by name. */
async function managementApi(ref = realm.name) {
  const resources = await server.expectCall(200, 'GET', `${api(ref)}/resources`, { token: admin });
  const resource = resources.find((r: { is_management_api: boolean }) => r.is_management_api);
  const scopes = await server.expectCall(200, 'GET', `${api(ref)}/resources/${resource.id}/scopes?per_page=100`, {
    token: admin,
  });
  return {
    resource,
    scope: Object.fromEntries(scopes.map((s: { name: string; id: string }) => [s.name, s.id])) as Record<
      string,
      string
    >,
  };
}

async function roleScopeNames(roleId: string, query = '') {
  const response = await server.call('GET', `${roles()}/${roleId}/scopes${query}`, { token: admin });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.data.map((s: { name: string }) => s.name);
}

describe('roles: the reference flow', () => {
  it('creates, gets (by realm name or UUID), updates and deletes a role', async () => {
    const created = await server.call('POST', roles(), {
      token: admin,
      json: { name: 'editor', description: 'Can edit content' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      data: {
        id: expect.stringMatching(UUID),
        name: 'editor',
        description: 'Can edit content',
        created_at: expect.stringMatching(ISO_TIMESTAMP),
        updated_at: expect.stringMatching(ISO_TIMESTAMP),
      },
    });
    const role = created.body.data;

    for (const ref of [realm.name, realm.id]) {
      const got = await server.call('GET', `${roles(ref)}/${role.id}`, { token: admin });
      expect(got.status, ref).toBe(200);
      expect(got.body).toEqual({ data: role });
    }

    const renamed = await server.call('PATCH', `${roles()}/${role.id}`, {
      token: admin,
      json: { name: 'publisher', description: 'Can edit and publish content' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({
      id: role.id,
      name: 'publisher',
      description: 'Can edit and publish content',
      created_at: role.created_at,
    });
    expect(Date.parse(renamed.body.data.updated_at)).toBeGreaterThanOrEqual(Date.parse(role.updated_at));

    const cleared = await server.call('PATCH', `${roles(realm.id)}/${role.id}`, {
      token: admin,
      json: { description: null },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data).toMatchObject({ id: role.id, name: 'publisher', description: null });
    const reread = await server.call('GET', `${roles()}/${role.id}`, { token: admin });
    expect(reread.body.data).toEqual(cleared.body.data);

    const deleted = await server.call('DELETE', `${roles()}/${role.id}`, { token: admin });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    const gone = await server.call('GET', `${roles()}/${role.id}`, { token: admin });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: 'not_found', message: expect.any(String) });
    const again = await server.call('DELETE', `${roles()}/${role.id}`, { token: admin });
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('not_found');
  });

  it('400 for a bad body or id, naming the field', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', roles(), { name: '' }, 'name'],
      ['POST', roles(), { name: '   ' }, 'name'],
      ['POST', roles(), { name: 'x'.repeat(129) }, 'name'],
      ['POST', roles(), { name: 'x', permissions: [] }, 'permissions'],
      ['POST', roles(), { name: 'x', description: 42 }, 'description'],
      ['PATCH', `${roles()}/${randomUUID()}`, { name: null }, 'name'],
      ['GET', `${roles()}/not-a-uuid`, undefined, 'id'],
    ];
    for (const [method, path, json, field] of cases) {
      const response = await server.call(method, path, { token: admin, json });
      expect(response.status, `${method} ${JSON.stringify(json)}`).toBe(400);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.details[0].path).toBe(field);
    }
  });
});

describe('roles: names are unique per realm', () => {
  it('409 on a duplicate name or a rename onto one; the same name in another realm is fine', async () => {
    const first = await createRole({ name: ' unique-a' });
    expect(first.name).toBe('unique-a');
    // Names are trimmed, so padding does not make a new name.
    const duplicate = await server.call('POST', roles(), { token: admin, json: { name: '  unique-a ' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({
      error: 'conflict',
      message: expect.any(String),
      details: [{ path: 'name', message: expect.any(String) }],
    });

    const second = await createRole({ name: 'unique-b' });
    const rename = await server.call('PATCH', `${roles()}/${second.id}`, { token: admin, json: { name: 'unique-a' } });
    expect(rename.status).toBe(409);
    expect(rename.body).toMatchObject({ error: 'conflict', details: [{ path: 'name' }] });
    expect((await server.call('GET', `${roles()}/${second.id}`, { token: admin })).body.data.name).toBe('unique-b');

    const elsewhere = await createRole({ name: 'unique-a' }, otherRealm.name);
    expect(elsewhere.id).not.toBe(first.id);
  });

  it('10 simultaneous creates of one name: one 201 and nine 409s', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => server.call('POST', roles(), { token: admin, json: { name: 'race' } })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(response.body).toMatchObject({ error: 'conflict', details: [{ path: 'name' }] });
    }
    const listed = await server.call('GET', `${roles()}?search=race`, { token: admin });
    expect(listed.body.meta.total).toBe(1);
  });
});

describe('roles: listing', () => {
  let listRealm: { id: string; name: string };

  beforeAll(async () => {
    listRealm = await server.createRealm(admin, 'roles-list');
    for (const [name, description] of [
      ['viewer', 'Read-only access'],
      ['Admin', 'Everything'],
      ['editor', 'Can edit content'],
      ['auditor', null],
      ['50%_off', 'Promotions'],
    ] as const) {
      await createRole({ name, ...(description ? { description } : {}) }, listRealm.name);
    }
  });

  const names = async (query: string) => {
    const response = await server.call('GET', `${roles(listRealm.name)}${query}`, { token: admin });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };

  it('lists by name with the true total, page by page', async () => {
    const all = await names('');
    expect(all.meta).toEqual({ current_page: 1, per_page: 20, total: 5 });
    const listed = all.data.map((r: { name: string }) => r.name);
    expect(listed).toEqual(['50%_off', 'Admin', 'auditor', 'editor', 'viewer']);
    expect(all.data.find((r: { name: string }) => r.name === 'auditor')).toEqual({
      id: expect.stringMatching(UUID),
      name: 'auditor',
      description: null,
      created_at: expect.stringMatching(ISO_TIMESTAMP),
      updated_at: expect.stringMatching(ISO_TIMESTAMP),
    });

    const page2 = await names('?per_page=2&page=2');
    expect(page2.meta).toEqual({ current_page: 2, per_page: 2, total: 5 });
    expect(page2.data.map((r: { name: string }) => r.name)).toEqual(listed.slice(2, 4));
    const past = await names('?per_page=2&page=9');
    expect(past).toEqual({ data: [], meta: { current_page: 9, per_page: 2, total: 5 } });
  });

  it('searches name and description case-insensitively, with % and _ taken literally', async () => {
    const search = async (term: string) =>
      (await names(`?search=${encodeURIComponent(term)}`)).data.map((r: { name: string }) => r.name).sort();
    expect(await search('EDIT')).toEqual(['editor']);
    expect(await search('read-only')).toEqual(['viewer']);
    expect(await search('admin')).toEqual(['Admin']);
    expect(await search('%')).toEqual(['50%_off']);
    expect(await search('_')).toEqual(['50%_off']);
    expect(await search('nobody')).toEqual([]);
    const counted = await names('?search=e&per_page=1');
    expect(counted.data).toHaveLength(1);
    expect(counted.meta.total).toBe((await names('?search=e')).data.length);
  });
});

describe('roles: scopes', () => {
  let management: Awaited<ReturnType<typeof managementApi>>;
  let blog: { id: string; name: string; indicator: string };
  let readPosts: { id: string; name: string; description: string };

  beforeAll(async () => {
    management = await managementApi();
    blog = await server.expectCall(201, 'POST', `${api()}/resources`, {
      token: admin,
      json: { name: 'Blog API', indicator: 'https://api.example.com' },
    });
    readPosts = await server.expectCall(201, 'POST', `${api()}/resources/${blog.id}/scopes`, {
      token: admin,
      json: { name: 'read:posts', description: 'Read blog posts' },
    });
  });

  it('assigns scopes of any resource of the realm, and lists them by name with their resource', async () => {
    const role = await createRole({ name: 'scoped' });
    const assign = await server.call('POST', `${roles()}/${role.id}/scopes`, {
      token: admin,
      json: { scope_ids: [management.scope['users:read'], readPosts.id, management.scope['roles:read']] },
    });
    expect(assign.status, JSON.stringify(assign.body)).toBe(204);
    expect(assign.body).toBe('');

    const listed = await server.call('GET', `${roles()}/${role.id}/scopes`, { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.meta).toEqual({ current_page: 1, per_page: 20, total: 3 });
    expect(listed.body.data.map((s: { name: string }) => s.name)).toEqual(['read:posts', 'roles:read', 'users:read']);
    expect(listed.body.data[0]).toEqual({
      ...readPosts,
      resource_id: blog.id,
      resource: { id: blog.id, name: 'Blog API', indicator: 'https://api.example.com' },
    });
    expect(listed.body.data[2]).toEqual({
      id: management.scope['users:read'],
      resource_id: management.resource.id,
      name: 'users:read',
      description: expect.any(String),
      created_at: expect.stringMatching(ISO_TIMESTAMP),
      updated_at: expect.stringMatching(ISO_TIMESTAMP),
      resource: {
        id: management.resource.id,
        name: 'Management API',
        indicator: `${TEST_ISSUER_URL}/api/v1/${realm.name}`,
      },
    });

    // Again, with duplicates in the request: not an error, and nothing is doubled.
    const again = await server.call('POST', `${roles(realm.id)}/${role.id}/scopes`, {
      token: admin,
      json: { scope_ids: [readPosts.id, readPosts.id, management.scope['users:read']] },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(204);
    expect(await roleScopeNames(role.id)).toEqual(['read:posts', 'roles:read', 'users:read']);

    expect(await roleScopeNames(role.id, '?search=POSTS')).toEqual(['read:posts']);
    expect(await roleScopeNames(role.id, '?search=blog')).toEqual(['read:posts']);
    const page = await server.call('GET', `${roles()}/${role.id}/scopes?per_page=2&page=2`, { token: admin });
    expect(page.body.data.map((s: { name: string }) => s.name)).toEqual(['users:read']);
    expect(page.body.meta).toEqual({ current_page: 2, per_page: 2, total: 3 });
  });

  it('all or nothing: unknown or foreign scope ids answer 422 naming them, and assign none', async () => {
    const role = await createRole({ name: 'all-or-nothing' });
    const unknown = randomUUID();
    const response = await server.call('POST', `${roles()}/${role.id}/scopes`, {
      token: admin,
      json: { scope_ids: [management.scope['applications:read'], unknown, readPosts.id] },
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: 'validation_failed',
      message: expect.stringContaining(unknown),
      details: [{ path: 'scope_ids.1', message: expect.stringContaining(unknown) }],
    });
    expect(await roleScopeNames(role.id)).toEqual([]);

    const foreign = (await managementApi(otherRealm.name)).scope['users:read'] as string;
    const crossRealm = await server.call('POST', `${roles()}/${role.id}/scopes`, {
      token: admin,
      json: { scope_ids: [readPosts.id, foreign] },
    });
    expect(crossRealm.status).toBe(422);
    expect(crossRealm.body).toMatchObject({
      error: 'validation_failed',
      details: [{ path: 'scope_ids.1', message: expect.stringContaining(foreign) }],
    });
    expect(await roleScopeNames(role.id)).toEqual([]);

    for (const scope_ids of [[], ['not-a-uuid']]) {
      const bad = await server.call('POST', `${roles()}/${role.id}/scopes`, { token: admin, json: { scope_ids } });
      expect(bad.status, JSON.stringify(scope_ids)).toBe(400);
      expect(bad.body.error).toBe('invalid_request');
    }
  });

  it('removes a scope (404 when the role does not hold it), and 404 for an unknown role', async () => {
    const role = await createRole({ name: 'removable' });
    await server.expectCall(204, 'POST', `${roles()}/${role.id}/scopes`, {
      token: admin,
      json: { scope_ids: [readPosts.id, management.scope['users:write']] },
    });
    const removed = await server.call('DELETE', `${roles()}/${role.id}/scopes/${readPosts.id}`, { token: admin });
    expect(removed.status).toBe(204);
    expect(await roleScopeNames(role.id)).toEqual(['users:write']);
    const twice = await server.call('DELETE', `${roles()}/${role.id}/scopes/${readPosts.id}`, { token: admin });
    expect(twice.status).toBe(404);
    expect(twice.body.error).toBe('not_found');
    const neverHeld = await server.call('DELETE', `${roles()}/${role.id}/scopes/${management.scope['roles:read']}`, {
      token: admin,
    });
    expect(neverHeld.status).toBe(404);

    // The scope itself still exists on its resource.
    const blogScopes = await server.expectCall(200, 'GET', `${api()}/resources/${blog.id}/scopes`, { token: admin });
    expect(blogScopes.map((s: { id: string }) => s.id)).toContain(readPosts.id);

    const nobody = randomUUID();
    for (const [method, suffix, json] of [
      ['GET', '/scopes', undefined],
      ['POST', '/scopes', { scope_ids: [readPosts.id] }],
      ['DELETE', `/scopes/${readPosts.id}`, undefined],
    ] as const) {
      const response = await server.call(method, `${roles()}/${nobody}${suffix}`, { token: admin, json });
      expect(response.status, `${method} ${suffix}`).toBe(404);
      expect(response.body).toMatchObject({ error: 'not_found', message: expect.stringContaining('Role') });
    }
  });
});

describe('roles: deleting a role', () => {
  it('removes it from users and applications, and its scopes from the m2m clients that held it', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const keep = await createRole({ name: 'cascade-keep' });
    const user = await server.expectCall(201, 'POST', `${api()}/users`, {
      token: admin,
      json: { email: 'cascade@example.com' },
    });
    await server.expectCall(204, 'POST', `${api()}/users/${user.id}/roles`, {
      token: admin,
      json: { role_ids: [client.roleId, keep.id] },
    });
    await server.expectCall(204, 'POST', `${api()}/applications/${client.applicationId}/roles`, {
      token: admin,
      json: { role_ids: [keep.id] },
    });
    const ids = async (path: string) =>
      (await server.expectCall(200, 'GET', path, { token: admin })).map((r: { id: string }) => r.id).sort();
    expect(await ids(`${api()}/users/${user.id}/roles`)).toEqual([client.roleId, keep.id].sort());
    expect(await ids(`${api()}/applications/${client.applicationId}/roles`)).toEqual([client.roleId, keep.id].sort());

    const tokenRequest = () =>
      server.call('POST', `/oauth2/${realm.name}/token`, {
        form: {
          grant_type: 'client_credentials',
          client_id: client.clientId,
          client_secret: client.clientSecret,
          scope: 'users:read',
        },
      });
    const before = await tokenRequest();
    expect(before.status).toBe(200);
    expect(before.body.scope).toBe('users:read');

    expect((await server.call('DELETE', `${roles()}/${client.roleId}`, { token: admin })).status).toBe(204);

    expect(await ids(`${api()}/users/${user.id}/roles`)).toEqual([keep.id]);
    expect(await ids(`${api()}/applications/${client.applicationId}/roles`)).toEqual([keep.id]);
    const after = await tokenRequest();
    expect(after.status).toBe(400);
    expect(after.body.error).toBe('invalid_scope');

    // Tokens already issued keep their scopes until they expire.
    const issued = await server.call('GET', `${api()}/users`, { token: before.body.access_token });
    expect(issued.status).toBe(200);
  });
});

describe('roles: authorization', () => {
  it('roles:read lists but cannot write (403); other scopes cannot read; no token is 401', async () => {
    const role = await createRole({ name: 'guarded' });
    const readOnly = await server.masterToken('roles:read');
    expect((await server.call('GET', roles(), { token: readOnly })).status).toBe(200);
    expect((await server.call('GET', `${roles()}/${role.id}/scopes`, { token: readOnly })).status).toBe(200);

    for (const [method, path, json] of [
      ['POST', roles(), { name: 'nope' }],
      ['PATCH', `${roles()}/${role.id}`, { name: 'nope' }],
      ['DELETE', `${roles()}/${role.id}`, undefined],
      ['POST', `${roles()}/${role.id}/scopes`, { scope_ids: [randomUUID()] }],
    ] as const) {
      const response = await server.call(method, path, { token: readOnly, json });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body).toMatchObject({
        error: 'insufficient_scope',
        message: expect.stringContaining('roles:write'),
      });
    }
    expect((await server.call('GET', `${roles()}/${role.id}`, { token: admin })).body.data.name).toBe('guarded');

    const usersOnly = await server.masterToken('users:read');
    const refused = await server.call('GET', roles(), { token: usersOnly });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('roles:read');

    const anonymous = await server.call('GET', roles());
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_token');
    expect((await server.call('POST', roles(), { json: { name: 'anon' } })).status).toBe(401);
  });
});

describe('roles: realm isolation', () => {
  it("a role of another realm is 404 on every route under this realm's path, and stays untouched", async () => {
    const foreignScopes = await managementApi(otherRealm.name);
    const foreign = await createRole({ name: 'foreign-role', description: 'Of realm B' }, otherRealm.name);
    await server.expectCall(204, 'POST', `${roles(otherRealm.name)}/${foreign.id}/scopes`, {
      token: admin,
      json: { scope_ids: [foreignScopes.scope['users:read']] },
    });
    const ownScope = (await managementApi()).scope['users:read'];

    for (const [method, suffix, json] of [
      ['GET', '', undefined],
      ['PATCH', '', { name: 'hijacked' }],
      ['DELETE', '', undefined],
      ['GET', '/scopes', undefined],
      ['POST', '/scopes', { scope_ids: [ownScope] }],
      ['DELETE', `/scopes/${foreignScopes.scope['users:read']}`, undefined],
    ] as const) {
      for (const ref of [realm.name, realm.id]) {
        const response = await server.call(method, `${roles(ref)}/${foreign.id}${suffix}`, { token: admin, json });
        expect(response.status, `${method} ${suffix} ${ref}`).toBe(404);
        expect(response.body.error).toBe('not_found');
      }
    }

    const still = await server.call('GET', `${roles(otherRealm.name)}/${foreign.id}`, { token: admin });
    expect(still.body.data).toEqual(foreign);
    const scopes = await server.call('GET', `${roles(otherRealm.name)}/${foreign.id}/scopes`, { token: admin });
    expect(scopes.body.data.map((s: { id: string }) => s.id)).toEqual([foreignScopes.scope['users:read']]);
  });
});
