import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH_MAX } from '@realmkit/contract';
import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BREACHED_PASSWORD_MESSAGE, isBreachedPassword } from '../src/users/password.ts';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
/** A realm with the default policy. */
let realm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm } = await startWithRealms('password-policy'));
});
afterAll(() => server?.close());

const realmPath = (ref: string) => `/api/v1/realms/${ref}`;
const usersOf = (ref: string) => `/api/v1/${ref}/users`;

let emails = 0;
const nextEmail = () => `user-${++emails}@example.com`;

/** A realm created with `settings` (its `password_policy`, `require_verified_email`). */
async function realmWith(settings: Record<string, unknown>) {
  const name = `pp-${Math.random().toString(36).slice(2, 10)}`;
  return server.expectCall(201, 'POST', '/api/v1/realms', { token: admin, json: { name, ...settings } });
}

/** The policy error every path that sets a password answers, with one detail on `path`. */
function refusal(path: string, message: string) {
  return {
    error: 'validation_failed',
    message: 'The password does not meet the policy',
    details: [{ path, message }],
  };
}

/** Each way a password is set, for a fresh user of `ref`: the response to setting `password`. */
const setters = {
  'create (Management API)': (ref: string, password: string) =>
    server.call('POST', usersOf(ref), { token: admin, json: { email: nextEmail(), password } }),
  'setPassword (Management API)': async (ref: string, password: string) => {
    const user = await server.expectCall(201, 'POST', usersOf(ref), { token: admin, json: { email: nextEmail() } });
    return server.call('PATCH', `${usersOf(ref)}/${user.id}/password`, { token: admin, json: { password } });
  },
  'create (users API by realm name)': (ref: string, password: string) => {
    const email = nextEmail();
    return server.call('POST', '/api/users', {
      token: admin,
      json: { realmName: ref, username: email.split('@')[0], email, password },
    });
  },
  'reset password (users API by realm name)': async (ref: string, password: string) => {
    const user = await server.expectCall(201, 'POST', usersOf(ref), { token: admin, json: { email: nextEmail() } });
    return server.call('PUT', `/api/users/${user.id}/password`, { token: admin, json: { newPassword: password } });
  },
};
/** The body field each setter's policy errors name. */
const fieldOf = (setter: string) => (setter.startsWith('reset') ? 'newPassword' : 'password');
const accepted = (setter: string) => (setter.startsWith('reset') ? 204 : setter.startsWith('setPassword') ? 200 : 201);

describe('realm settings', () => {
  it('a new realm has the defaults: min_length 8, refuse_breached, no verified email required', async () => {
    const data = await server.expectCall(200, 'GET', realmPath(realm.name), { token: admin });
    expect(data).toMatchObject({
      require_verified_email: false,
      password_policy: { min_length: PASSWORD_MIN_LENGTH, refuse_breached: true },
    });
  });

  it('are set at creation, a partial password_policy taking the defaults for the rest', async () => {
    const created = await realmWith({ require_verified_email: true, password_policy: { min_length: 12 } });
    expect(created).toMatchObject({
      require_verified_email: true,
      password_policy: { min_length: 12, refuse_breached: true },
    });
    expect(await server.expectCall(200, 'GET', realmPath(created.name), { token: admin })).toEqual(created);
  });

  it('PATCH merges a partial password_policy into the realm’s, and leaves what it does not name', async () => {
    const target = await realmWith({});
    const patch = (json: Record<string, unknown>) =>
      server.expectCall(200, 'PATCH', realmPath(target.name), { token: admin, json });

    expect(await patch({ password_policy: { min_length: 20 } })).toMatchObject({
      require_verified_email: false,
      password_policy: { min_length: 20, refuse_breached: true },
    });
    expect(await patch({ password_policy: { refuse_breached: false } })).toMatchObject({
      password_policy: { min_length: 20, refuse_breached: false },
    });
    expect(await patch({ require_verified_email: true })).toMatchObject({
      require_verified_email: true,
      password_policy: { min_length: 20, refuse_breached: false },
    });
    expect(await patch({ display_name: 'Renamed', password_policy: {} })).toMatchObject({
      display_name: 'Renamed',
      require_verified_email: true,
      password_policy: { min_length: 20, refuse_breached: false },
    });
    expect(await server.expectCall(200, 'GET', realmPath(target.id), { token: admin })).toMatchObject({
      require_verified_email: true,
      password_policy: { min_length: 20, refuse_breached: false },
    });
  });

  it(`refuses a min_length outside ${PASSWORD_MIN_LENGTH}..${PASSWORD_MIN_LENGTH_MAX}, not an integer, or an unknown policy field (400, the contract's validation)`, async () => {
    const target = await realmWith({});
    const invalid: [unknown, string][] = [
      [{ min_length: PASSWORD_MIN_LENGTH - 1 }, 'password_policy.min_length'],
      [{ min_length: PASSWORD_MIN_LENGTH_MAX + 1 }, 'password_policy.min_length'],
      [{ min_length: 12.5 }, 'password_policy.min_length'],
      [{ min_length: '12' }, 'password_policy.min_length'],
      [{ refuse_breached: 'no' }, 'password_policy.refuse_breached'],
      [{ max_length: 64 }, 'password_policy.max_length'],
      [null, 'password_policy'],
    ];
    for (const [policy, path] of invalid) {
      for (const [method, url] of [
        ['PATCH', realmPath(target.name)],
        ['POST', '/api/v1/realms'],
      ] as const) {
        const json = method === 'POST' ? { name: 'never-made', password_policy: policy } : { password_policy: policy };
        const response = await server.call(method, url, { token: admin, json });
        expect(response.status, `${method} ${JSON.stringify(policy)}`).toBe(400);
        expect(response.body).toMatchObject({ error: 'invalid_request', details: [expect.objectContaining({ path })] });
      }
    }
    for (const min_length of [PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH_MAX]) {
      const data = await server.expectCall(200, 'PATCH', realmPath(target.name), {
        token: admin,
        json: { password_policy: { min_length } },
      });
      expect(data.password_policy.min_length).toBe(min_length);
    }
    expect((await server.call('GET', realmPath('never-made'), { token: admin })).status).toBe(404);
  });
});

describe('the password policy, on every path that sets a password', () => {
  it.each(Object.keys(setters))('%s: the default realm refuses 7 characters and takes 8', async (setter) => {
    const set = setters[setter as keyof typeof setters];
    const short = await set(realm.name, 'x7chars');
    expect(short.status).toBe(422);
    expect(short.body).toEqual(refusal(fieldOf(setter), `Must be at least ${PASSWORD_MIN_LENGTH} characters`));
    expect((await set(realm.name, 'eight-ch')).status).toBe(accepted(setter));
  });

  it.each(Object.keys(setters))(
    '%s: a realm with min_length 12 refuses 10 characters, with the same error, and takes 12',
    async (setter) => {
      const strict = await realmWith({ password_policy: { min_length: 12 } });
      const set = setters[setter as keyof typeof setters];
      const short = await set(strict.name, 'tenchars!x');
      expect(short.status).toBe(422);
      expect(short.body).toEqual(refusal(fieldOf(setter), 'Must be at least 12 characters'));
      expect((await set(strict.name, 'twelve-chars')).status).toBe(accepted(setter));
    },
  );

  it.each(Object.keys(setters))(
    '%s: a common or breached password is refused, whatever its case, and taken once refuse_breached is false',
    async (setter) => {
      const target = await realmWith({});
      const set = setters[setter as keyof typeof setters];
      for (const password of ['password123', 'PassWord123']) {
        const breached = await set(target.name, password);
        expect(breached.status, password).toBe(422);
        expect(breached.body).toEqual(refusal(fieldOf(setter), BREACHED_PASSWORD_MESSAGE));
      }
      // The change is seen by the very next request on this instance (the realm cache is cleared).
      await server.expectCall(200, 'PATCH', realmPath(target.name), {
        token: admin,
        json: { password_policy: { refuse_breached: false } },
      });
      expect((await set(target.name, 'password123')).status).toBe(accepted(setter));
    },
  );

  it('a stricter min_length takes effect at once after PATCH; problems of length and email come together', async () => {
    const target = await realmWith({});
    const create = (password: string, email = nextEmail()) =>
      server.call('POST', usersOf(target.name), { token: admin, json: { email, password } });
    expect((await create('tenchars!x')).status).toBe(201);
    await server.expectCall(200, 'PATCH', realmPath(target.id), {
      token: admin,
      json: { password_policy: { min_length: 16 } },
    });
    expect((await create('tenchars!x')).body).toEqual(refusal('password', 'Must be at least 16 characters'));
    const email = 'password1@x.io';
    const several = await create('Password1@X.io', email);
    expect(several.status).toBe(422);
    expect(several.body.details).toEqual([
      { path: 'password', message: 'Must be at least 16 characters' },
      { path: 'password', message: 'Must not be the email address' },
    ]);
    // Too short and on the list: the length is what to change first, and the only problem told.
    const short = await create('password1');
    expect(short.body).toEqual(refusal('password', 'Must be at least 16 characters'));
    expect((await create('password1password1')).status).toBe(201);
  });

  it(`the maximum stays ${PASSWORD_MAX_LENGTH} characters whatever the realm`, async () => {
    const target = await realmWith({ password_policy: { min_length: PASSWORD_MIN_LENGTH_MAX } });
    const create = (password: string) =>
      server.call('POST', usersOf(target.name), { token: admin, json: { email: nextEmail(), password } });
    expect((await create('é'.repeat(PASSWORD_MIN_LENGTH_MAX))).status).toBe(201);
    expect((await create('é'.repeat(PASSWORD_MIN_LENGTH_MAX - 1))).status).toBe(422);
    expect((await create('x'.repeat(PASSWORD_MAX_LENGTH + 1))).body).toEqual(
      refusal('password', `Must be at most ${PASSWORD_MAX_LENGTH} characters`),
    );
  });

  it('an imported hash is not checked (there is no plain text to check)', async () => {
    const target = await realmWith({ password_policy: { min_length: 40 } });
    const digest = bcrypt.hashSync('password', 4);
    const user = await server.expectCall(201, 'POST', usersOf(target.name), {
      token: admin,
      json: { email: nextEmail(), password_digest: digest, password_algorithm: 'bcrypt' },
    });
    expect(user.has_password).toBe(true);
  });
});

describe('checking a password without setting it', () => {
  it("UserService.passwordProblemsFor answers the realm's problems with a password, as details on a field", async () => {
    const target = await realmWith({ password_policy: { min_length: 12 } });
    const users = server.services.users;
    expect(await users.passwordProblemsFor(target.id, 'a long enough passphrase', 'ada@example.com')).toEqual([]);
    expect(await users.passwordProblemsFor(target.id, 'qwerty123', undefined, 'new_password')).toEqual([
      { path: 'new_password', message: 'Must be at least 12 characters' },
    ]);
    expect(await users.passwordProblemsFor(target.id, 'qwertyuiop123', undefined, 'new_password')).toEqual([
      { path: 'new_password', message: BREACHED_PASSWORD_MESSAGE },
    ]);
  });
});

describe('the list of common and breached passwords', () => {
  it('holds the usual suspects, ignoring case, and not a random passphrase', async () => {
    for (const password of ['password', '123456789', 'qwerty123', 'iloveyou', 'Sunshine', 'TRUSTNO1']) {
      expect(await isBreachedPassword(password), password).toBe(true);
    }
    for (const password of ['correct horse battery staple', 'twelve-chars', 'Tr0ub4dor&3']) {
      expect(await isBreachedPassword(password), password).toBe(false);
    }
  });
});
