import { randomUUID } from 'node:crypto';
import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretKey } from '../src/crypto/secret-key.ts';
import { signLinkToken } from '../src/users/signed-link.ts';
import { TEST_SECRET_KEY } from './support/constants.ts';
import { ISO_TIMESTAMP, UUID } from './support/matchers.ts';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;
let otherRealm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm, otherRealm } = await startWithRealms('by-name'));
});
afterAll(() => server?.close());

const linkKey = new SecretKey(Buffer.from(TEST_SECRET_KEY, 'base64')).emailVerificationKey;
const db = () => server.services.orm.em.fork();

async function createAlice(overrides: Record<string, unknown> = {}, token = admin) {
  const suffix = randomUUID().slice(0, 8);
  const response = await server.call('POST', '/api/users', {
    token,
    json: {
      realmName: realm.name,
      username: `alice-${suffix}`,
      email: `alice-${suffix}@example.com`,
      firstName: 'Alice',
      lastName: 'Smith',
      password: 'SecurePass123!',
      ...overrides,
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

describe('the users API by realm name: the reference flow', () => {
  it('creates, gets, updates, lists, resets the password and deletes', async () => {
    const alice = await createAlice({ username: 'alice', email: 'alice@example.com' });
    expect(alice).toEqual({
      id: expect.stringMatching(UUID),
      realmName: realm.name,
      username: 'alice',
      email: 'alice@example.com',
      firstName: 'Alice',
      lastName: 'Smith',
      enabled: true,
      emailVerified: false,
      createdAt: expect.stringMatching(ISO_TIMESTAMP),
    });
    expect((await server.call('GET', `/api/users/${alice.id}`, { token: admin })).body).toEqual(alice);

    const updated = await server.call('PUT', `/api/users/${alice.id}`, {
      token: admin,
      json: { firstName: 'Alicia', enabled: false },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...alice, firstName: 'Alicia', enabled: false });

    // The same user under v1: given_name is firstName, is_suspended the inverse of enabled.
    const v1 = await server.expectCall(200, 'GET', `/api/v1/${realm.name}/users/${alice.id}`, { token: admin });
    expect(v1).toMatchObject({ given_name: 'Alicia', family_name: 'Smith', is_suspended: true, username: 'alice' });

    const list = await server.call('GET', `/api/users?realm=${realm.name}&page=0&size=20`, { token: admin });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 0, size: 20, totalElements: expect.any(Number) });
    expect(list.body.content.map((u: { id: string }) => u.id)).toContain(alice.id);
    expect(list.body.totalPages).toBe(Math.ceil(list.body.totalElements / 20));

    const reset = await server.call('PUT', `/api/users/${alice.id}/password`, {
      token: admin,
      json: { newPassword: 'NewSecurePass456!' },
    });
    expect(reset.status).toBe(204);
    const verify = await server.call('POST', `/api/v1/${realm.name}/users/${alice.id}/password/verify`, {
      token: admin,
      json: { password: 'NewSecurePass456!' },
    });
    expect(verify.status).toBe(204);

    expect((await server.call('DELETE', `/api/users/${alice.id}`, { token: admin })).status).toBe(204);
    const gone = await server.call('GET', `/api/users/${alice.id}`, { token: admin });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: 'not_found', message: 'User not found' });
  });

  it('shows a v1 user, and pages zero-based', async () => {
    const api = `/api/v1/${otherRealm.name}/users`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await server.expectCall(201, 'POST', api, { token: admin, json: { email: `p${i}@example.com` } })).id);
    }
    const first = await server.call('GET', `/api/users?realm=${otherRealm.name}&size=2`, { token: admin });
    expect(first.body).toMatchObject({ page: 0, size: 2, totalElements: 3, totalPages: 2 });
    expect(first.body.content.map((u: { id: string }) => u.id)).toEqual([ids[2], ids[1]]);
    const second = await server.call('GET', `/api/users?realm=${otherRealm.name}&size=2&page=1`, { token: admin });
    expect(second.body.content).toEqual([
      expect.objectContaining({
        id: ids[0],
        username: null,
        firstName: null,
        enabled: true,
        realmName: otherRealm.name,
      }),
    ]);
    const beyond = await server.call('GET', `/api/users?realm=${otherRealm.name}&size=2&page=5`, { token: admin });
    expect(beyond.body).toMatchObject({ content: [], page: 5, totalElements: 3, totalPages: 2 });
  });
});

describe('the users API by realm name: errors', () => {
  it('400 for a missing realm or a page size out of 1..100; 404 for an unknown realm', async () => {
    for (const query of [
      '',
      '?page=0',
      `?realm=${realm.name}&size=0`,
      `?realm=${realm.name}&size=101`,
      `?realm=${realm.name}&page=-1`,
    ]) {
      const response = await server.call('GET', `/api/users${query}`, { token: admin });
      expect({ query, status: response.status, error: response.body.error }).toEqual({
        query,
        status: 400,
        error: 'invalid_request',
      });
    }
    const unknown = await server.call('GET', '/api/users?realm=no-such-realm', { token: admin });
    expect(unknown.status).toBe(404);
    const create = await server.call('POST', '/api/users', {
      token: admin,
      json: { realmName: 'no-such-realm', username: 'x', email: 'x@example.com', password: 'SecurePass123!' },
    });
    expect(create.status).toBe(404);
  });

  it('409 for a username or email taken in the realm, 422 for a weak password, 400 for a missing field', async () => {
    const alice = await createAlice();
    const sameUsername = await server.call('POST', '/api/users', {
      token: admin,
      json: {
        realmName: realm.name,
        username: alice.username.toUpperCase(),
        email: 'fresh@example.com',
        password: 'SecurePass123!',
      },
    });
    expect(sameUsername.status).toBe(409);
    expect(sameUsername.body.details).toEqual([expect.objectContaining({ path: 'username' })]);
    const sameEmail = await server.call('POST', '/api/users', {
      token: admin,
      json: { realmName: realm.name, username: 'fresh', email: alice.email, password: 'SecurePass123!' },
    });
    expect(sameEmail.status).toBe(409);

    const weak = await server.call('PUT', `/api/users/${alice.id}/password`, {
      token: admin,
      json: { newPassword: 'short' },
    });
    expect(weak.status).toBe(422);
    expect(weak.body.details).toEqual([{ path: 'newPassword', message: expect.any(String) }]);

    const noPassword = await server.call('POST', '/api/users', {
      token: admin,
      json: { realmName: realm.name, username: 'nopass', email: 'nopass@example.com' },
    });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.details).toEqual([expect.objectContaining({ path: 'password' })]);
  });

  it('needs a token with the scope, of the named realm or master; other realms’ users are not found', async () => {
    const alice = await createAlice();
    expect((await server.call('GET', `/api/users/${alice.id}`)).status).toBe(401);
    const readOnly = await server.masterToken('users:read');
    const refused = await server.call('PUT', `/api/users/${alice.id}`, { token: readOnly, json: { firstName: 'X' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('insufficient_scope');

    const own = await server.token(
      otherRealm.name,
      await server.createRealmClient(otherRealm.name, ['users:read', 'users:write']),
    );
    expect((await server.call('GET', `/api/users?realm=${otherRealm.name}`, { token: own })).status).toBe(200);
    const foreignList = await server.call('GET', `/api/users?realm=${realm.name}`, { token: own });
    expect(foreignList.status).toBe(401);
    expect(foreignList.body.error).toBe('invalid_token');
    for (const [method, path, json] of [
      ['GET', `/api/users/${alice.id}`, undefined],
      ['PUT', `/api/users/${alice.id}`, { firstName: 'Mallory' }],
      ['DELETE', `/api/users/${alice.id}`, undefined],
      ['PUT', `/api/users/${alice.id}/password`, { newPassword: 'MalloryPass123!' }],
      ['POST', `/api/users/${alice.id}/send-verify-email`, undefined],
    ] as const) {
      const response = await server.call(method, path, { token: own, json });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
    }
    expect((await server.call('GET', `/api/users/${alice.id}`, { token: admin })).body.firstName).toBe('Alice');
    expect((await server.call('GET', '/api/users/not-a-uuid', { token: admin })).status).toBe(400);
  });
});

describe('send-verify-email and the verification link', () => {
  it('queues one event in the outbox, answers 202, then 429 with Retry-After within a minute', async () => {
    const alice = await createAlice();
    const sent = await server.call('POST', `/api/users/${alice.id}/send-verify-email`, { token: admin });
    expect(sent.status).toBe(202);
    const again = await server.call('POST', `/api/users/${alice.id}/send-verify-email`, { token: admin });
    expect(again.status).toBe(429);
    expect(again.body.error).toBe('rate_limited');
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(60);

    const events = await db().execute<{ type: string; payload: Record<string, string> }[]>(
      "select type, payload from outbox_events where realm_id = ? and payload->>'userId' = ?",
      [realm.id, alice.id],
    );
    expect(events).toEqual([
      {
        type: 'user.verify_email_requested',
        payload: {
          userId: alice.id,
          verificationId: expect.stringMatching(UUID),
          email: alice.email,
          realmName: realm.name,
          expiresAt: expect.stringMatching(ISO_TIMESTAMP),
        },
      },
    ]);
  });

  it('simultaneous requests for one user queue one email', async () => {
    const alice = await createAlice();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        server.call('POST', `/api/users/${alice.id}/send-verify-email`, { token: admin }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([202, 429, 429, 429, 429]);
  });

  it('the link verifies once, for both APIs; forged, used, expired and stale links get 4xx pages', async () => {
    const alice = await createAlice();
    await server.expectCall(202, 'POST', `/api/v1/${realm.name}/users/${alice.id}/send-verify-email`, { token: admin });
    const [verification] = await db().execute<{ id: string; expires_at: Date }[]>(
      'select id, expires_at from email_verifications where user_id = ?',
      [alice.id],
    );
    if (!verification) throw new Error('no verification row');
    const token = signLinkToken(linkKey, verification.id, new Date(verification.expires_at));

    const forged = await server.call('GET', `/verify-email?token=${token.slice(0, -2)}xx`);
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-type')).toMatch(/^text\/html/);

    const page = await server.call('GET', `/verify-email?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Email verified');
    expect((await server.call('GET', `/api/users/${alice.id}`, { token: admin })).body.emailVerified).toBe(true);
    const v1 = await server.expectCall(200, 'GET', `/api/v1/${realm.name}/users/${alice.id}`, { token: admin });
    expect(v1.email_verified).toBe(true);

    const used = await server.call('GET', `/verify-email?token=${encodeURIComponent(token)}`);
    expect(used.status).toBe(409);
    expect(used.body).toContain('used already');
    const verified = await server.call('POST', `/api/users/${alice.id}/send-verify-email`, { token: admin });
    expect(verified.status).toBe(409);

    // Expired: the row's expiry passed (and the token carries the same expiry, signed).
    const bob = await createAlice();
    await server.expectCall(202, 'POST', `/api/users/${bob.id}/send-verify-email`, { token: admin });
    const past = new Date(Date.now() - 1000);
    await db().execute('update email_verifications set expires_at = ? where user_id = ?', [past, bob.id]);
    const [bobs] = await db().execute<{ id: string }[]>('select id from email_verifications where user_id = ?', [
      bob.id,
    ]);
    const expired = await server.call(
      'GET',
      `/verify-email?token=${encodeURIComponent(signLinkToken(linkKey, bobs?.id ?? '', past))}`,
    );
    expect(expired.status).toBe(410);

    // Stale: the email changed after the link was sent.
    const carol = await createAlice();
    await server.expectCall(202, 'POST', `/api/users/${carol.id}/send-verify-email`, { token: admin });
    const [carols] = await db().execute<{ id: string; expires_at: Date }[]>(
      'select id, expires_at from email_verifications where user_id = ?',
      [carol.id],
    );
    await server.expectCall(200, 'PUT', `/api/users/${carol.id}`, {
      token: admin,
      json: { email: 'carol-new@example.com' },
    });
    const stale = await server.call(
      'GET',
      `/verify-email?token=${encodeURIComponent(signLinkToken(linkKey, carols?.id ?? '', new Date(carols?.expires_at ?? 0)))}`,
    );
    expect(stale.status).toBe(409);
    expect((await server.call('GET', `/api/users/${carol.id}`, { token: admin })).body.emailVerified).toBe(false);
  });
});

describe('importing password hashes', () => {
  const users = () => `/api/v1/${realm.name}/users`;
  const storedHash = async (id: string) =>
    (await db().execute<{ password_hash: string }[]>('select password_hash from users where id = ?', [id]))[0]
      ?.password_hash;

  it('accepts a bcrypt hash, verifies it, and rehashes it to argon2id on the first success', async () => {
    const digest = bcrypt.hashSync('imported-password-1', 4);
    const user = await server.expectCall(201, 'POST', users(), {
      token: admin,
      json: { email: 'imported@example.com', password_digest: digest, password_algorithm: 'bcrypt' },
    });
    expect(user.has_password).toBe(true);
    const verify = (password: string) =>
      server.call('POST', `${users()}/${user.id}/password/verify`, { token: admin, json: { password } });

    expect((await verify('wrong-password-1')).status).toBe(422);
    expect(await storedHash(user.id)).toBe(digest);
    expect((await verify('imported-password-1')).status).toBe(204);
    expect(await storedHash(user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect((await verify('imported-password-1')).status).toBe(204);
  });

  it('accepts an argon2id hash as it is; refuses malformed digests and ambiguous bodies', async () => {
    const argon = (await storedHash(
      (
        await server.expectCall(201, 'POST', users(), {
          token: admin,
          json: { email: 'src@example.com', password: 'argon-password-1' },
        })
      ).id,
    )) as string;
    const imported = await server.expectCall(201, 'POST', users(), {
      token: admin,
      json: { email: 'argon-import@example.com', password_digest: argon, password_algorithm: 'argon2id' },
    });
    expect(
      (
        await server.call('POST', `${users()}/${imported.id}/password/verify`, {
          token: admin,
          json: { password: 'argon-password-1' },
        })
      ).status,
    ).toBe(204);

    const malformed = await server.call('POST', users(), {
      token: admin,
      json: { email: 'bad-digest@example.com', password_digest: '$2b$12$short', password_algorithm: 'bcrypt' },
    });
    expect(malformed.status).toBe(422);
    expect(malformed.body.details).toEqual([{ path: 'password_digest', message: 'Not a valid bcrypt hash' }]);
    for (const json of [
      { email: 'a1@example.com', password_digest: bcrypt.hashSync('x-password-1', 4) },
      {
        email: 'a2@example.com',
        password: 'plain-password-1',
        password_digest: bcrypt.hashSync('x-password-1', 4),
        password_algorithm: 'bcrypt',
      },
      { email: 'a3@example.com', password_algorithm: 'md5', password_digest: 'abc' },
    ]) {
      const response = await server.call('POST', users(), { token: admin, json });
      expect({ email: json.email, status: response.status }).toEqual({ email: json.email, status: 400 });
    }
  });
});
