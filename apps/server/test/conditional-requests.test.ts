import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm } = await startWithRealms('etag'));
});
afterAll(() => server?.close());

const api = () => `/api/v1/${realm.name}`;
const STRONG_TAG = /^"[A-Za-z0-9_-]{22}"$/;

function etagOf(response: ApiResponse): string {
  const etag = response.headers.get('etag');
  expect(etag, `${response.status} ${JSON.stringify(response.body)}`).toMatch(STRONG_TAG);
  return etag as string;
}

async function createUser(email: string) {
  const response = await server.call('POST', `${api()}/users`, { token: admin, json: { email, name: 'Before' } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { user: response.body.data, etag: etagOf(response) };
}

async function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  return server.services.orm.em.fork().execute<T[]>(query, params);
}

describe('ETag', () => {
  it('is strong, the same on create and on every GET until the resource changes, then new', async () => {
    const { user, etag } = await createUser('tagged@example.com');
    const url = `${api()}/users/${user.id}`;
    const read = await server.call('GET', url, { token: admin });
    expect(etagOf(read)).toBe(etag);
    expect(etagOf(await server.call('GET', `/api/v1/${realm.id}/users/${user.id}`, { token: admin }))).toBe(etag);

    const patched = await server.call('PATCH', url, { token: admin, json: { name: 'After' } });
    expect(patched.status).toBe(200);
    const changed = etagOf(patched);
    expect(changed).not.toBe(etag);
    expect(etagOf(await server.call('GET', url, { token: admin }))).toBe(changed);
  });

  it('changes with every write to the row, whichever route or writer makes it, and not without one', async () => {
    const { user, etag } = await createUser('writers@example.com');
    const url = `${api()}/users/${user.id}`;
    const seen = new Set([etag]);
    const writes: [string, string, Record<string, unknown>][] = [
      ['PATCH', `${url}/password`, { password: 'aFreshPassword1' }],
      ['PATCH', `${url}/is-suspended`, { is_suspended: true }],
      ['PUT', `/api/users/${user.id}`, { firstName: 'Jane' }],
    ];
    for (const [method, path, json] of writes) {
      const response = await server.call(method, path, { token: admin, json });
      expect(response.status, path).toBeLessThan(300);
      const tag = etagOf(response);
      expect(seen.has(tag), `${method} ${path} kept an old ETag`).toBe(false);
      seen.add(tag);
    }
    const before = etagOf(await server.call('GET', url, { token: admin }));
    // A write that changes nothing leaves the version, and so the ETag, as it was.
    expect(etagOf(await server.call('PATCH', url, { token: admin, json: { name: 'Before' } }))).toBe(before);
    // A write outside the API (raw SQL) moves it too: the database counts versions.
    await sql('update users set name = ? where id = ?', ['Written by SQL', user.id]);
    const after = await server.call('GET', url, { token: admin });
    expect(after.body.data.name).toBe('Written by SQL');
    expect(etagOf(after)).not.toBe(before);
  });

  it('is the same for one user in both users APIs, and on the users API by realm name’s 204s', async () => {
    const { user, etag } = await createUser('both-apis@example.com');
    expect(etagOf(await server.call('GET', `/api/users/${user.id}`, { token: admin }))).toBe(etag);
    const reset = await server.call('PUT', `/api/users/${user.id}/password`, {
      token: admin,
      json: { newPassword: 'anotherPassword9' },
      headers: { 'if-match': etag },
    });
    expect(reset.status).toBe(204);
    expect(etagOf(reset)).toBe(etagOf(await server.call('GET', `${api()}/users/${user.id}`, { token: admin })));
  });

  it('is answered on create with the tag a GET then gives, even when the create body holds a secret', async () => {
    const created = await server.call('POST', `${api()}/applications`, {
      token: admin,
      json: { name: 'tagged-app', type: 'm2m' },
    });
    expect(created.body.data.client_secret).toBeTruthy();
    const read = await server.call('GET', `${api()}/applications/${created.body.data.id}`, { token: admin });
    expect(etagOf(read)).toBe(etagOf(created));
    const rotated = await server.call('POST', `${api()}/applications/${created.body.data.id}/secret`, { token: admin });
    expect(rotated.status).toBe(200);
    expect(etagOf(rotated)).not.toBe(etagOf(created));
    expect(etagOf(await server.call('GET', `${api()}/applications/${created.body.data.id}`, { token: admin }))).toBe(
      etagOf(rotated),
    );
  });
});

describe('If-None-Match on GET', () => {
  it('answers 304 without a body when a tag matches (weak comparison, lists, *), else 200', async () => {
    const { user, etag } = await createUser('not-modified@example.com');
    const url = `${api()}/users/${user.id}`;
    const get = (value: string, extra: Record<string, string> = {}) =>
      server.call('GET', url, { token: admin, headers: { 'if-none-match': value, ...extra } });

    for (const value of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await get(value);
      expect(response.status, value).toBe(304);
      expect(response.body, value).toBe('');
      expect(response.headers.get('etag'), value).toBe(etag);
    }
    // `Cache-Control: no-cache` is for caches: the origin still answers the condition.
    expect((await get(etag, { 'cache-control': 'no-cache' })).status).toBe(304);

    const stale = await get('"not-the-current-one"');
    expect(stale.status).toBe(200);
    expect(stale.body.data.id).toBe(user.id);
    // A malformed header on a read is ignored: the full answer is always a safe one.
    expect((await get('not-quoted')).status).toBe(200);
    // 404 stays 404.
    const gone = await server.call('GET', `${api()}/users/0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20`, {
      token: admin,
      headers: { 'if-none-match': '*' },
    });
    expect(gone.status).toBe(404);
  });
});

describe('If-Match on PATCH, PUT and DELETE', () => {
  it('writes only the version it names: 412 precondition_failed otherwise, and nothing changes', async () => {
    const { user, etag } = await createUser('if-match@example.com');
    const url = `${api()}/users/${user.id}`;
    const first = await server.call('PATCH', url, {
      token: admin,
      json: { name: 'First' },
      headers: { 'if-match': etag },
    });
    expect(first.status).toBe(200);

    const stale = await server.call('PATCH', url, {
      token: admin,
      json: { name: 'Lost' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual({
      error: 'precondition_failed',
      message: expect.stringContaining('If-Match does not match the current ETag'),
    });
    expect((await server.call('GET', url, { token: admin })).body.data.name).toBe('First');

    const current = etagOf(first);
    for (const [value, status] of [
      [`W/${current}`, 412], // If-Match compares strongly: a weak tag never matches
      [`"another", ${current}`, 200],
      ['*', 200],
    ] as const) {
      const response = await server.call('PATCH', url, {
        token: admin,
        json: { name: value },
        headers: { 'if-match': value },
      });
      expect(response.status, value).toBe(status);
    }

    const deleteStale = await server.call('DELETE', url, { token: admin, headers: { 'if-match': current } });
    expect(deleteStale.status).toBe(412);
    expect((await server.call('GET', url, { token: admin })).status).toBe(200);
    const latest = etagOf(await server.call('GET', url, { token: admin }));
    expect((await server.call('DELETE', url, { token: admin, headers: { 'if-match': latest } })).status).toBe(204);
  });

  it('If-None-Match on a write: 412 when it matches, so that "only if it changed" holds', async () => {
    const { user, etag } = await createUser('if-none-match-write@example.com');
    const url = `${api()}/users/${user.id}`;
    const refused = await server.call('PATCH', url, {
      token: admin,
      json: { name: 'x' },
      headers: { 'if-none-match': etag },
    });
    expect(refused.status).toBe(412);
    const allowed = await server.call('PATCH', url, {
      token: admin,
      json: { name: 'x' },
      headers: { 'if-none-match': '"something-else"' },
    });
    expect(allowed.status).toBe(200);
  });

  it('400 for a malformed If-Match, rather than an unconditional write', async () => {
    const { user } = await createUser('malformed@example.com');
    for (const value of ['abc', '"unterminated', '"a" "b"', 'W/abc']) {
      const response = await server.call('PATCH', `${api()}/users/${user.id}`, {
        token: admin,
        json: { name: 'Malformed' },
        headers: { 'if-match': value },
      });
      expect(response.status, value).toBe(400);
      expect(response.body.details, value).toEqual([{ path: 'If-Match', message: 'Not "*" or a list of entity tags' }]);
    }
    expect((await server.call('GET', `${api()}/users/${user.id}`, { token: admin })).body.data.name).toBe('Before');
  });

  it('answers what the request would get without the condition when that is not a success (RFC 9110 §13.2.1)', async () => {
    const stale = '"stale-tag-of-nothing"';
    const missing = await server.call('PATCH', `${api()}/users/0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20`, {
      token: admin,
      json: { name: 'x' },
      headers: { 'if-match': '*' },
    });
    expect(missing.status).toBe(404);
    const resources = await server.call('GET', `${api()}/resources`, { token: admin });
    const management = resources.body.data.find((r: { is_management_api: boolean }) => r.is_management_api);
    const readOnly = await server.call('DELETE', `${api()}/resources/${management.id}`, {
      token: admin,
      headers: { 'if-match': stale },
    });
    expect(readOnly.status).toBe(422);
    expect(readOnly.body.error).toBe('read_only');
    const noToken = await server.call('PATCH', `${api()}/users/0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20`, {
      json: { name: 'x' },
      headers: { 'if-match': stale },
    });
    expect(noToken.status).toBe(401);
  });
});

describe('If-Match on the POST actions: rotating a client secret, rotating a realm’s keys', () => {
  async function tokenStatus(clientId: string, clientSecret: string): Promise<number> {
    const response = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
    });
    return response.status;
  }

  it('a secret rotates only from the application’s state it names; the grace period holds; 422 comes first', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const url = `${api()}/applications/${client.applicationId}`;
    const read = etagOf(await server.call('GET', url, { token: admin }));
    const renamed = await server.call('PATCH', url, {
      token: admin,
      json: { name: 'renamed' },
      headers: { 'if-match': read },
    });
    const current = etagOf(renamed);

    const rotate = (headers: Record<string, string>) =>
      server.call('POST', `${url}/secret`, { token: admin, json: { grace_period_seconds: 3600 }, headers });
    const stale = await rotate({ 'if-match': read });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toBe('precondition_failed');
    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(200);
    expect(etagOf(await server.call('GET', url, { token: admin }))).toBe(current);
    expect((await rotate({ 'if-none-match': current })).status).toBe(412);
    expect(etagOf(await server.call('GET', url, { token: admin }))).toBe(current);

    const rotated = await rotate({ 'if-match': current });
    expect(rotated.status).toBe(200);
    const after = etagOf(rotated);
    expect(after).not.toBe(current);
    expect(etagOf(await server.call('GET', url, { token: admin }))).toBe(after);
    expect(rotated.body.data.previous_client_secret_expires_at).toEqual(expect.any(String));
    // Both secrets authenticate during the grace period, as without If-Match.
    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(200);
    expect(await tokenStatus(client.clientId, rotated.body.data.client_secret)).toBe(200);

    // A public application has no secret whatever the condition: 422 before 412 (RFC 9110 §13.2.1).
    const spa = await server.call('POST', `${api()}/applications`, {
      token: admin,
      json: { name: 'spa', type: 'spa' },
    });
    const publicRotation = await server.call('POST', `${api()}/applications/${spa.body.data.id}/secret`, {
      token: admin,
      headers: { 'if-match': '"stale"' },
    });
    expect(publicRotation.status).toBe(422);
  });

  it('a key rotation is a change of the realm: If-Match takes the realm’s ETag, which the rotation moves', async () => {
    const created = await server.call('POST', '/api/v1/realms', {
      token: admin,
      json: { name: `etag-keys-${Date.now().toString(36)}`, signing_algorithm: 'ES256' },
    });
    expect(created.status).toBe(201);
    const realmUrl = `/api/v1/realms/${created.body.data.name}`;
    const keys = async () => (await server.expectCall(200, 'GET', `${realmUrl}/keys`, { token: admin })) as unknown[];
    const first = etagOf(created);

    const rotated = await server.call('POST', `${realmUrl}/keys/rotate`, {
      token: admin,
      headers: { 'if-match': first },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.data).toHaveLength(2);
    const second = etagOf(rotated);
    expect(second).not.toBe(first);
    const read = await server.call('GET', realmUrl, { token: admin });
    expect(etagOf(read)).toBe(second);
    expect(Date.parse(read.body.data.updated_at)).toBeGreaterThan(Date.parse(created.body.data.updated_at));

    // Another operator who read the realm before that rotation does not rotate again.
    const stale = await server.call('POST', `${realmUrl}/keys/rotate`, {
      token: admin,
      headers: { 'if-match': first },
    });
    expect(stale.status).toBe(412);
    expect(await keys()).toHaveLength(2);
    const staleSwitch = await server.call('PATCH', realmUrl, {
      token: admin,
      json: { signing_algorithm: 'EdDSA' },
      headers: { 'if-match': first },
    });
    expect(staleSwitch.status).toBe(412);
    expect(await keys()).toHaveLength(2);
    expect(etagOf(await server.call('GET', realmUrl, { token: admin }))).toBe(second);

    const switched = await server.call('PATCH', realmUrl, {
      token: admin,
      json: { signing_algorithm: 'EdDSA' },
      headers: { 'if-match': second },
    });
    expect(switched.status).toBe(200);
    expect(switched.body.data.signing_algorithm).toBe('EdDSA');
    expect(etagOf(switched)).not.toBe(second);
    expect(await keys()).toHaveLength(3);
    // Without a condition, a rotation still simply happens.
    expect((await server.call('POST', `${realmUrl}/keys/rotate`, { token: admin })).status).toBe(200);
    expect((await server.call('DELETE', realmUrl, { token: admin })).status).toBe(204);
  });
});

interface EtaggedResource {
  name: string;
  /** Makes one: the create response, its URL, and whether that URL has a GET. */
  create: () => Promise<{ response: ApiResponse; url: string; noGet?: boolean }>;
  change: { method: string; json: Record<string, unknown> };
}

/** Every resource with an ETag: how to make one, where it lives, and a change to PATCH (or PUT). */
const RESOURCES: EtaggedResource[] = [
  {
    name: 'realm',
    create: async () => {
      const response = await server.call('POST', '/api/v1/realms', {
        token: admin,
        json: { name: `etag-realm-${Date.now().toString(36)}` },
      });
      return { response, url: `/api/v1/realms/${response.body.data.name}` };
    },
    change: { method: 'PATCH', json: { display_name: 'Changed' } },
  },
  {
    name: 'application',
    create: async () => {
      const response = await server.call('POST', `${api()}/applications`, {
        token: admin,
        json: { name: 'etag-app', type: 'spa' },
      });
      return { response, url: `${api()}/applications/${response.body.data.id}` };
    },
    change: { method: 'PATCH', json: { name: 'Changed' } },
  },
  {
    name: 'role',
    create: async () => {
      const response = await server.call('POST', `${api()}/roles`, {
        token: admin,
        json: { name: `etag-role-${Date.now()}` },
      });
      return { response, url: `${api()}/roles/${response.body.data.id}` };
    },
    change: { method: 'PATCH', json: { description: 'Changed' } },
  },
  {
    name: 'resource',
    create: async () => {
      const response = await server.call('POST', `${api()}/resources`, {
        token: admin,
        json: { name: 'Orders', indicator: `https://orders-${Date.now()}.example.com` },
      });
      return { response, url: `${api()}/resources/${response.body.data.id}` };
    },
    change: { method: 'PATCH', json: { name: 'Changed' } },
  },
  {
    name: 'resource scope (no GET: its ETag comes from writes)',
    create: async () => {
      const resource = await server.call('POST', `${api()}/resources`, {
        token: admin,
        json: { name: 'Scoped', indicator: `https://scoped-${Date.now()}.example.com` },
      });
      const response = await server.call('POST', `${api()}/resources/${resource.body.data.id}/scopes`, {
        token: admin,
        json: { name: 'read:things' },
      });
      return {
        response,
        url: `${api()}/resources/${resource.body.data.id}/scopes/${response.body.data.id}`,
        noGet: true,
      };
    },
    change: { method: 'PATCH', json: { description: 'Changed' } },
  },
  {
    name: 'user by realm name',
    create: async () => {
      const response = await server.call('POST', '/api/users', {
        token: admin,
        json: {
          realmName: realm.name,
          username: `etag-${Date.now()}`,
          email: `etag-${Date.now()}@example.com`,
          password: 'aLongEnoughPassword1',
        },
      });
      return { response, url: `/api/users/${response.body.id}` };
    },
    change: { method: 'PUT', json: { firstName: 'Changed' } },
  },
];

describe.each(RESOURCES)('ETag, If-None-Match and If-Match: $name', ({ create, change }) => {
  it('create → GET (304 on its tag) → stale write 412 → write 200 with a new tag → stale DELETE 412 → DELETE 204', async () => {
    const { response, url, noGet } = await create();
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const created = etagOf(response);
    if (!noGet) {
      expect(etagOf(await server.call('GET', url, { token: admin }))).toBe(created);
      expect((await server.call('GET', url, { token: admin, headers: { 'if-none-match': created } })).status).toBe(304);
    }
    const write = (etag: string) =>
      server.call(change.method, url, { token: admin, json: change.json, headers: { 'if-match': etag } });
    const written = await write(created);
    expect(written.status).toBe(200);
    const current = etagOf(written);
    expect(current).not.toBe(created);
    expect((await write(created)).status).toBe(412);
    if (!noGet)
      expect((await server.call('GET', url, { token: admin, headers: { 'if-none-match': created } })).status).toBe(200);
    expect((await server.call('DELETE', url, { token: admin, headers: { 'if-match': created } })).status).toBe(412);
    expect((await server.call('DELETE', url, { token: admin, headers: { 'if-match': current } })).status).toBe(204);
  });
});
