import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;
let otherRealm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm, otherRealm } = await startWithRealms('users'));
});
afterAll(() => server?.close());

const users = (ref = realm.name) => `/api/v1/${ref}/users`;

async function createUser(json: Record<string, unknown>, ref = realm.name) {
  const response = await server.call('POST', users(ref), { token: admin, json });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.data;
}

describe('users: the reference flow', () => {
  it('creates, gets, updates, suspends, changes the password, lists identities and deletes', async () => {
    const user = await createUser({ email: 'Jane@Example.com', name: 'Jane Doe', password: 'securePassword123' });
    expect(user).toMatchObject({
      email: 'jane@example.com',
      name: 'Jane Doe',
      username: null,
      is_suspended: false,
      email_verified: false,
      has_password: true,
    });
    expect(JSON.stringify(user)).not.toMatch(/argon2|password_hash|passwordHash/);

    const byUuid = await server.call('GET', `${users(realm.id)}/${user.id}`, { token: admin });
    expect(byUuid.status).toBe(200);
    expect(byUuid.body.data).toEqual(user);

    const updated = await server.call('PATCH', `${users()}/${user.id}`, { token: admin, json: { name: 'Jane Smith' } });
    expect(updated.status).toBe(200);
    expect(updated.body.data.name).toBe('Jane Smith');

    const suspended = await server.call('PATCH', `${users()}/${user.id}/is-suspended`, {
      token: admin,
      json: { is_suspended: true },
    });
    expect(suspended.status).toBe(200);
    expect(suspended.body.data.is_suspended).toBe(true);

    const password = await server.call('PATCH', `${users()}/${user.id}/password`, {
      token: admin,
      json: { password: 'newSecurePassword456' },
    });
    expect(password.status).toBe(200);

    const identities = await server.call('GET', `${users()}/${user.id}/identities`, { token: admin });
    expect(identities.status).toBe(200);
    expect(identities.body).toEqual({ data: [], meta: { current_page: 1, per_page: 20, total: 0 } });

    expect((await server.call('DELETE', `${users()}/${user.id}`, { token: admin })).status).toBe(204);
    const gone = await server.call('GET', `${users()}/${user.id}`, { token: admin });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: 'not_found', message: 'User not found' });
    expect((await server.call('DELETE', `${users()}/${user.id}`, { token: admin })).status).toBe(404);
  });

  it('stores the password as argon2id with the OWASP parameters, and only that', async () => {
    const user = await createUser({ email: 'hash@example.com', password: 'correct horse battery' });
    const [row] = await server.services.orm.em
      .fork()
      .execute<{ password_hash: string }[]>('select password_hash from users where id = ?', [user.id]);
    const [, algorithm, version, params] = (row?.password_hash ?? '').split('$');
    expect({ algorithm, version }).toEqual({ algorithm: 'argon2id', version: 'v=19' });
    expect(Object.fromEntries((params ?? '').split(',').map((pair) => pair.split('=')))).toEqual({
      m: '19456',
      t: '2',
      p: '1',
    });
  });

  it('changing the email resets email_verified unless it is sent too', async () => {
    const user = await createUser({ email: 'verified@example.com', email_verified: true });
    const changed = await server.call('PATCH', `${users()}/${user.id}`, {
      token: admin,
      json: { email: 'changed@example.com' },
    });
    expect(changed.body.data).toMatchObject({ email: 'changed@example.com', email_verified: false });
    const both = await server.call('PATCH', `${users()}/${user.id}`, {
      token: admin,
      json: { email: 'again@example.com', email_verified: true },
    });
    expect(both.body.data).toMatchObject({ email: 'again@example.com', email_verified: true });
  });
});

describe('users: listing', () => {
  let listRealm: { id: string; name: string };

  beforeAll(async () => {
    listRealm = await server.createRealm(admin, 'list');
    for (const [email, name, username] of [
      ['john@example.com', 'John Doe', 'johnny'],
      ['ann@example.com', 'Ann Lee', 'ann_lee'],
      ['percent@example.com', '100% Real', null],
      ['bob@example.org', 'Bob', 'bobby'],
    ] as const) {
      await createUser({ email, name, ...(username ? { username } : {}) }, listRealm.name);
    }
  });

  it('paginates newest first with the true total, and answers an empty page past the end', async () => {
    const first = await server.call('GET', `${users(listRealm.name)}?per_page=3`, { token: admin });
    expect(first.status).toBe(200);
    expect(first.body.data.map((u: { email: string }) => u.email)).toEqual([
      'bob@example.org',
      'percent@example.com',
      'ann@example.com',
    ]);
    expect(first.body.meta).toEqual({ current_page: 1, per_page: 3, total: 4, next_after: first.body.data[2].id });
    const last = await server.call('GET', `${users(listRealm.name)}?per_page=3&page=2`, { token: admin });
    expect(last.body.data.map((u: { email: string }) => u.email)).toEqual(['john@example.com']);
    expect(last.body.meta).toEqual({ current_page: 2, per_page: 3, total: 4, next_after: null });
    const past = await server.call('GET', `${users(listRealm.name)}?per_page=3&page=9`, { token: admin });
    expect(past.body).toEqual({ data: [], meta: { current_page: 9, per_page: 3, total: 4, next_after: null } });
  });

  it('pages by keyset with after: the same users in the same order, page counting from the cursor', async () => {
    const list = async (query: string) => {
      const response = await server.call('GET', `${users(listRealm.name)}?${query}`, { token: admin });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body as { data: { id: string; email: string }[]; meta: Record<string, unknown> };
    };
    const all = (await list('per_page=100')).data.map((user) => user.id);
    expect(all).toHaveLength(4);

    const walked: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await list(`per_page=1${after ? `&after=${after}` : ''}`);
      expect(page.meta.total).toBe(4);
      walked.push(...page.data.map((user) => user.id));
      after = page.meta.next_after as string | null;
      pages++;
    } while (after && pages < 10);
    expect(walked).toEqual(all);
    expect(pages).toBe(4);

    const second = await list(`per_page=1&page=2&after=${all[0]}`);
    expect(second.data.map((user) => user.id)).toEqual([all[2]]);
    expect(second.meta).toEqual({ current_page: 2, per_page: 1, total: 4, next_after: all[2] });

    const searched = await list(`search=example.com&after=${all[0]}`);
    expect(searched.data.map((user) => user.email)).toEqual([
      'percent@example.com',
      'ann@example.com',
      'john@example.com',
    ]);
    expect(searched.meta).toMatchObject({ total: 3, next_after: null });

    // A cursor is a position, not a row: the id of a user deleted since still works.
    const gone = await createUser({ email: 'gone@example.com' }, listRealm.name);
    await server.expectCall(204, 'DELETE', `${users(listRealm.name)}/${gone.id}`, { token: admin });
    expect((await list(`after=${gone.id}`)).data.map((user) => user.id)).toEqual(all);
  });

  it('searches email, username and name case-insensitively, with % and _ taken literally', async () => {
    const search = async (term: string) => {
      const response = await server.call('GET', `${users(listRealm.name)}?search=${encodeURIComponent(term)}`, {
        token: admin,
      });
      expect(response.status).toBe(200);
      return response.body.data.map((u: { email: string }) => u.email).sort();
    };
    expect(await search('JOHN')).toEqual(['john@example.com']);
    expect(await search('bobby')).toEqual(['bob@example.org']);
    expect(await search('lee')).toEqual(['ann@example.com']);
    expect(await search('example.org')).toEqual(['bob@example.org']);
    expect(await search('%')).toEqual(['percent@example.com']);
    expect(await search('_')).toEqual(['ann@example.com']);
    expect(await search('nobody')).toEqual([]);
    // A term with whitespace is looked for in names only (emails and usernames have none).
    expect(await search('ann LEE')).toEqual(['ann@example.com']);
    expect(await search('n L')).toEqual(['ann@example.com']);
    expect(await search('john doe ')).toEqual([]);
  });

  it('pages a search by page and by keyset, its total counting every match on every page', async () => {
    const list = async (query: string) => {
      const response = await server.call('GET', `${users(listRealm.name)}?${query}`, { token: admin });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body as { data: { id: string; email: string }[]; meta: Record<string, unknown> };
    };
    const matches = (await list('search=example.com&per_page=100')).data.map((user) => user.id);
    expect(matches).toHaveLength(3);
    expect(matches).toEqual([...matches].sort().reverse()); // newest first

    const first = await list('search=example.com&per_page=2');
    expect(first.data.map((user) => user.id)).toEqual(matches.slice(0, 2));
    expect(first.meta).toEqual({ current_page: 1, per_page: 2, total: 3, next_after: matches[1] });
    const second = await list('search=example.com&per_page=2&page=2');
    expect(second.data.map((user) => user.id)).toEqual(matches.slice(2));
    expect(second.meta).toEqual({ current_page: 2, per_page: 2, total: 3, next_after: null });
    const byKeyset = await list(`search=example.com&per_page=2&after=${matches[1]}`);
    expect(byKeyset.data.map((user) => user.id)).toEqual(matches.slice(2));
    expect(byKeyset.meta).toEqual({ current_page: 1, per_page: 2, total: 3, next_after: null });
    const past = await list('search=example.com&per_page=2&page=5');
    expect(past).toEqual({ data: [], meta: { current_page: 5, per_page: 2, total: 3, next_after: null } });
    expect(await list('search=nobody')).toEqual({
      data: [],
      meta: { current_page: 1, per_page: 20, total: 0, next_after: null },
    });
  });

  it('refuses bad paging parameters with 400 naming the parameter', async () => {
    for (const query of ['per_page=0', 'per_page=101', 'page=0', 'page=abc', 'per_page=1.5', 'after=abc']) {
      const response = await server.call('GET', `${users(listRealm.name)}?${query}`, { token: admin });
      expect(response.status, query).toBe(400);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.details[0].path).toBe(query.split('=')[0]);
    }
  });
});

describe('users: the maintained count', () => {
  const countsOf = async (realmId: string) => {
    const [row] = await server.services.orm.em.fork().execute<{ kept: string | null; actual: string }[]>(
      `select (select sum(user_count) from realm_user_counts where realm_id = ?) as kept,
              (select count(*) from users where realm_id = ?) as actual`,
      [realmId, realmId],
    );
    return { kept: row?.kept === null ? null : Number(row?.kept), actual: Number(row?.actual) };
  };

  it("keeps each realm's total equal to its users through concurrent creates, conflicts and deletes", async () => {
    const countRealm = await server.createRealm(admin, 'count');
    const otherBefore = await countsOf(otherRealm.id);
    expect(await countsOf(countRealm.id)).toEqual({ kept: null, actual: 0 });
    expect((await server.call('GET', users(countRealm.name), { token: admin })).body.meta.total).toBe(0);

    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createUser({ email: `count${i}@example.com` }, countRealm.name)),
    );
    const conflict = await server.call('POST', users(countRealm.name), {
      token: admin,
      json: { email: 'COUNT0@example.com' },
    });
    expect(conflict.status).toBe(409);
    await Promise.all(
      created
        .slice(0, 3)
        .map((user) => server.expectCall(204, 'DELETE', `${users(countRealm.name)}/${user.id}`, { token: admin })),
    );

    expect(await countsOf(countRealm.id)).toEqual({ kept: 5, actual: 5 });
    const listed = await server.call('GET', `${users(countRealm.name)}?per_page=2`, { token: admin });
    expect(listed.body.meta.total).toBe(5);
    const byName = await server.call('GET', `/api/users?realm=${countRealm.name}&size=2`, { token: admin });
    expect(byName.body).toMatchObject({ totalElements: 5, totalPages: 3 });
    expect(await countsOf(otherRealm.id)).toEqual(otherBefore);

    await server.expectCall(204, 'DELETE', `/api/v1/realms/${countRealm.name}`, { token: admin });
    expect(await countsOf(countRealm.id)).toEqual({ kept: null, actual: 0 });
  });
});

describe('users: errors', () => {
  it('400: unknown fields, wrong types, bad email, bad id', async () => {
    const unknown = await server.call('POST', users(), { token: admin, json: { email: 'a@example.com', role: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      error: 'invalid_request',
      message: expect.stringContaining('"role"'),
      details: [{ path: 'role', message: 'Unknown field' }],
    });

    const wrongType = await server.call('POST', users(), { token: admin, json: { email: 42 } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.details[0].path).toBe('email');

    const badEmail = await server.call('POST', users(), { token: admin, json: { email: 'not-an-email' } });
    expect(badEmail.status).toBe(400);

    const badId = await server.call('GET', `${users()}/not-a-uuid`, { token: admin });
    expect(badId.status).toBe(400);
    expect(badId.body.details[0].path).toBe('id');
  });

  it('422: a password outside the policy', async () => {
    const cases: [string, string][] = [
      ['short', 'at least 8'],
      ['x'.repeat(257), 'at most 256'],
      ['Policy@Example.com', 'email'],
    ];
    for (const [password, message] of cases) {
      const response = await server.call('POST', users(), {
        token: admin,
        json: { email: 'policy@example.com', password },
      });
      expect(response.status).toBe(422);
      expect(response.body.error).toBe('validation_failed');
      expect(response.body.details[0]).toMatchObject({ path: 'password', message: expect.stringContaining(message) });
    }
    const user = await createUser({ email: 'policy@example.com' });
    const change = await server.call('PATCH', `${users()}/${user.id}/password`, {
      token: admin,
      json: { password: 'short' },
    });
    expect(change.status).toBe(422);
  });

  it('409: email and username are unique per realm, case-insensitively, but not across realms', async () => {
    await createUser({ email: 'dup@example.com', username: 'Dup' });
    const email = await server.call('POST', users(), { token: admin, json: { email: 'DUP@example.com' } });
    expect(email.status).toBe(409);
    expect(email.body).toMatchObject({ error: 'conflict', details: [{ path: 'email' }] });
    const username = await server.call('POST', users(), {
      token: admin,
      json: { email: 'dup2@example.com', username: 'dup' },
    });
    expect(username.status).toBe(409);
    expect(username.body.details[0].path).toBe('username');

    await createUser({ email: 'dup@example.com', username: 'Dup' }, otherRealm.name);

    const other = await createUser({ email: 'dup3@example.com' });
    const patch = await server.call('PATCH', `${users()}/${other.id}`, {
      token: admin,
      json: { email: 'Dup@Example.com' },
    });
    expect(patch.status).toBe(409);
  });

  it('409 under concurrency: 20 simultaneous creates of one email give one 201 and nineteen 409s', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.call('POST', users(), { token: admin, json: { email: 'race@example.com', password: 'raceCondition1' } }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const listed = await server.call('GET', `${users()}?search=race@`, { token: admin });
    expect(listed.body.meta.total).toBe(1);
  });

  it("404: unknown ids and another realm's ids, on every id route", async () => {
    const foreign = await createUser({ email: 'foreign@example.com' }, otherRealm.name);
    for (const id of [randomUUID(), foreign.id]) {
      for (const [method, suffix, json] of [
        ['GET', '', undefined],
        ['PATCH', '', { name: 'x' }],
        ['DELETE', '', undefined],
        ['PATCH', '/password', { password: 'longEnough123' }],
        ['PATCH', '/is-suspended', { is_suspended: true }],
        ['GET', '/identities', undefined],
      ] as const) {
        const response = await server.call(method, `${users()}/${id}${suffix}`, { token: admin, json });
        expect(response.status, `${method} ${suffix}`).toBe(404);
        expect(response.body.error).toBe('not_found');
      }
    }
    const stillThere = await server.call('GET', `${users(otherRealm.name)}/${foreign.id}`, { token: admin });
    expect(stillThere.body.data.name).toBeNull();
    expect(stillThere.body.data.is_suspended).toBe(false);
  });

  it('404 for an unknown realm', async () => {
    const response = await server.call('GET', users('no-such-realm'), { token: admin });
    expect(response.status).toBe(404);
    expect(response.body.message).toContain('no-such-realm');
  });
});

describe('users: authorization', () => {
  it('401 without a token or with a bad one, with WWW-Authenticate', async () => {
    const missing = await server.call('GET', users());
    expect(missing.status).toBe(401);
    expect(missing.body.error).toBe('invalid_token');
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm="realmkit"/);

    for (const token of ['garbage', `${admin.slice(0, -4)}AAAA`]) {
      const bad = await server.call('GET', users(), { token });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('403 naming the missing scope for a narrowed token', async () => {
    const readOnly = await server.masterToken('users:read');
    expect((await server.call('GET', users(), { token: readOnly })).status).toBe(200);
    const response = await server.call('POST', users(), { token: readOnly, json: { email: 'x@example.com' } });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({
      error: 'insufficient_scope',
      message: expect.stringContaining('users:write'),
    });
  });

  it("a realm's own token manages that realm, by id or name, and nothing else", async () => {
    const client = await server.createRealmClient(realm.id, ['users:read', 'users:write']);
    const token = await server.token(realm.name, client);
    expect((await server.call('GET', users(realm.name), { token })).status).toBe(200);
    expect((await server.call('GET', users(realm.id), { token })).status).toBe(200);
    const created = await server.call('POST', users(realm.id), { token, json: { email: 'own@example.com' } });
    expect(created.status).toBe(201);

    for (const ref of [otherRealm.name, otherRealm.id, 'master', 'no-such-realm']) {
      const response = await server.call('GET', users(ref), { token });
      expect(response.status, ref).toBe(401);
      expect(response.body.error).toBe('invalid_token');
    }
  });

  it('refuses a token for another audience (a token of the realm for an API resource is not a Management token)', async () => {
    const client = await server.createRealmClient(realm.id, ['users:read']);
    const token = await server.token(realm.name, client);
    const [header, payload] = token.split('.');
    const forged = `${header}.${Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload as string, 'base64url').toString()),
        aud: 'https://api.example',
      }),
    ).toString('base64url')}.${token.split('.')[2]}`;
    expect((await server.call('GET', users(), { token: forged })).status).toBe(401);
  });
});

describe('users: password verification', () => {
  it('204 for the right password, 422 invalid_credentials for a wrong one or none, 404 for no user', async () => {
    const user = await createUser({ email: 'verify@example.com', password: 'the-right-password' });
    const verify = (id: string, password: string) =>
      server.call('POST', `${users()}/${id}/password/verify`, { token: admin, json: { password } });

    const right = await verify(user.id, 'the-right-password');
    expect(right.status).toBe(204);
    expect(right.body).toBe('');

    const wrong = await verify(user.id, 'The-right-password');
    expect(wrong.status).toBe(422);
    expect(wrong.body).toEqual({ error: 'invalid_credentials', message: 'The password is not correct' });

    const passwordless = await createUser({ email: 'nopassword@example.com' });
    expect((await verify(passwordless.id, 'anything-at-all')).body.error).toBe('invalid_credentials');
    expect((await verify(randomUUID(), 'the-right-password')).status).toBe(404);

    const missing = await server.call('POST', `${users()}/${user.id}/password/verify`, { token: admin, json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.details).toEqual([{ path: 'password', message: expect.any(String) }]);
  });

  it('needs users:read, and a password change takes effect at once', async () => {
    const user = await createUser({ email: 'verify2@example.com', password: 'first-password-1' });
    const writeOnly = await server.masterToken('users:write');
    const refused = await server.call('POST', `${users()}/${user.id}/password/verify`, {
      token: writeOnly,
      json: { password: 'first-password-1' },
    });
    expect(refused.status).toBe(403);

    const readOnly = await server.masterToken('users:read');
    await server.expectCall(200, 'PATCH', `${users()}/${user.id}/password`, {
      token: admin,
      json: { password: 'second-password-2' },
    });
    const verify = (password: string) =>
      server.call('POST', `${users()}/${user.id}/password/verify`, { token: readOnly, json: { password } });
    expect((await verify('first-password-1')).status).toBe(422);
    expect((await verify('second-password-2')).status).toBe(204);
  });
});

describe('users: roles', () => {
  it('assigns, lists (by name) and removes roles, all or nothing', async () => {
    const user = await createUser({ email: 'roles@example.com' });
    const roles = `/api/v1/${realm.name}/roles`;
    const viewer = await server.expectCall(201, 'POST', roles, { token: admin, json: { name: 'viewer' } });
    const editor = await server.expectCall(201, 'POST', roles, { token: admin, json: { name: 'editor' } });
    const userRoles = `${users()}/${user.id}/roles`;
    const list = () => server.expectCall(200, 'GET', userRoles, { token: admin });

    expect(await list()).toEqual([]);
    await server.expectCall(204, 'POST', userRoles, { token: admin, json: { role_ids: [viewer.id, editor.id] } });
    expect((await list()).map((role: { name: string }) => role.name)).toEqual(['editor', 'viewer']);
    // Assigning again is not an error, and does not duplicate.
    await server.expectCall(204, 'POST', userRoles, { token: admin, json: { role_ids: [viewer.id, viewer.id] } });
    expect(await list()).toHaveLength(2);

    const unknown = randomUUID();
    const partly = await server.call('POST', userRoles, { token: admin, json: { role_ids: [unknown] } });
    expect(partly.status).toBe(422);
    expect(partly.body.details).toEqual([{ path: 'role_ids.0', message: `No role with id ${unknown} in this realm` }]);

    await server.expectCall(204, 'DELETE', `${userRoles}/${editor.id}`, { token: admin });
    expect((await list()).map((role: { name: string }) => role.name)).toEqual(['viewer']);
    expect((await server.call('DELETE', `${userRoles}/${editor.id}`, { token: admin })).status).toBe(404);

    const fresh = await server.expectCall(201, 'POST', roles, { token: admin, json: { name: 'fresh' } });
    const mixed = await server.call('POST', userRoles, { token: admin, json: { role_ids: [fresh.id, unknown] } });
    expect(mixed.status).toBe(422);
    expect(mixed.body.details).toEqual([{ path: 'role_ids.1', message: expect.stringContaining(unknown) }]);
    expect((await list()).map((role: { name: string }) => role.name)).toEqual(['viewer']);
  });

  it('needs users:roles, not users:read or users:write', async () => {
    const user = await createUser({ email: 'roles-scope@example.com' });
    const token = await server.masterToken('users:read users:write');
    const response = await server.call('GET', `${users()}/${user.id}/roles`, { token });
    expect(response.status).toBe(403);
    expect(response.body.message).toContain('users:roles');
    const rolesOnly = await server.masterToken('users:roles');
    expect((await server.call('GET', `${users()}/${user.id}/roles`, { token: rolesOnly })).status).toBe(200);
  });

  it('answers 404 for an unknown user and 400 for a malformed body', async () => {
    const missing = await server.call('POST', `${users()}/${randomUUID()}/roles`, {
      token: admin,
      json: { role_ids: [randomUUID()] },
    });
    expect(missing.status).toBe(404);
    const user = await createUser({ email: 'roles-bad@example.com' });
    for (const json of [{ role_ids: [] }, { role_ids: ['not-a-uuid'] }, { roles: [] }]) {
      const response = await server.call('POST', `${users()}/${user.id}/roles`, { token: admin, json });
      expect({ json, status: response.status }).toEqual({ json, status: 400 });
    }
  });
});

describe('users: identities', () => {
  it('lists the connected providers, searchable by provider or provider user id', async () => {
    const user = await createUser({ email: 'identities@example.com' });
    const em = server.services.orm.em.fork();
    for (const [provider, subject] of [
      ['github', 'octocat'],
      ['google', '1093'],
    ]) {
      await em.execute(
        'insert into user_identities (id, realm_id, user_id, provider, provider_user_id, details) values (?, ?, ?, ?, ?, ?)',
        [randomUUID(), realm.id, user.id, provider, subject, JSON.stringify({ login: subject })],
      );
    }
    const path = `${users()}/${user.id}/identities`;
    const all = await server.call('GET', path, { token: admin });
    expect(all.body.meta.total).toBe(2);
    const github = await server.call('GET', `${path}?search=GIT`, { token: admin });
    expect(github.body.data).toEqual([
      {
        id: expect.any(String),
        provider: 'github',
        provider_user_id: 'octocat',
        details: { login: 'octocat' },
        created_at: expect.any(String),
      },
    ]);
    expect((await server.call('GET', `${path}?search=1093`, { token: admin })).body.data[0].provider).toBe('google');
  });
});
