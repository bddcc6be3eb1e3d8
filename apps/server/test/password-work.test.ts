import { API_ERRORS, ERROR_MESSAGES } from '@realmkit/contract';
import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import type { PasswordWorkLimits } from '../src/config/password-work-config.ts';
import { SecretKey } from '../src/crypto/secret-key.ts';
import { runStatement } from '../src/db/statement.ts';
import {
  PASSWORD_BUSY_RETRY_AFTER_SECONDS,
  PasswordChecksBusyError,
  PasswordWork,
} from '../src/users/password-work.ts';
import { signLinkToken } from '../src/users/signed-link.ts';
import { TEST_SECRET_KEY } from './support/constants.ts';
import { CookieJar, loginFormOf, type SignInRealm, signInRealm } from './support/sign-in.ts';
import { startTestServer, type TestRealm, type TestServer } from './support/test-server.ts';

/**
 * Password checks are off the event loop and capped (issue 23, finding 1): a storm of in-range
 * verifications in one realm neither stalls the event loop (bcrypt ran on it in JavaScript) nor
 * takes every turn from another realm, and what the cap cannot take is refused with 503
 * `password_checks_busy`, never a 500. Ordering is asserted (what completes before what), never
 * time.
 */

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every callback that is due run (the gate's turns are handed out synchronously, their work a tick later). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const limits = (over: Partial<PasswordWorkLimits> = {}): PasswordWorkLimits => ({
  concurrency: 2,
  maxWaiting: 4,
  maxWaitMs: 600_000,
  ...over,
});

describe('PasswordWork: the gate', () => {
  it('runs at most `concurrency` at once; the others wait and run in their turn', async () => {
    const gate = new PasswordWork(limits());
    const works = Array.from({ length: 5 }, () => deferred<string>());
    const started: number[] = [];
    const answers = works.map((work, i) =>
      gate.run('realm-a', () => {
        started.push(i);
        return work.promise;
      }),
    );
    const first = answers[0]?.catch((error: Error) => error.message);
    await settle();
    expect(started).toEqual([0, 1]);
    expect(gate.load).toEqual({ running: 2, waiting: 3 });
    works[1]?.resolve('one');
    await settle();
    expect(started).toEqual([0, 1, 2]);
    // A failing check frees its turn as a passing one does.
    works[0]?.reject(new Error('argon2 failed'));
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const [i, work] of works.entries()) work.resolve(`answer ${i}`);
    expect(await first).toBe('argon2 failed');
    expect(await Promise.all(answers.slice(1))).toEqual(['one', 'answer 2', 'answer 3', 'answer 4']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses past `maxWaiting` at once, with 503 password_checks_busy and Retry-After', async () => {
    const gate = new PasswordWork(limits({ concurrency: 1, maxWaiting: 2 }));
    const hold = deferred();
    const accepted = [0, 1, 2].map(() => gate.run('realm-a', () => hold.promise));
    const refused = gate.run('realm-a', () => hold.promise);
    await expect(refused).rejects.toBeInstanceOf(PasswordChecksBusyError);
    const error = (await refused.catch((e: unknown) => e)) as PasswordChecksBusyError;
    expect(error.status).toBe(503);
    expect(error.toBody()).toEqual({ error: 'password_checks_busy', message: ERROR_MESSAGES.passwordChecksBusy });
    expect(error.headers).toEqual({ 'Retry-After': String(PASSWORD_BUSY_RETRY_AFTER_SECONDS) });
    hold.resolve();
    await Promise.all(accepted);
  });

  it('refuses a waiter whose turn has not come within `maxWaitMs`', async () => {
    const gate = new PasswordWork(limits({ concurrency: 1, maxWaitMs: 1 }));
    const hold = deferred();
    const running = gate.run('realm-a', () => hold.promise);
    let ran = false;
    const waiting = gate.run('realm-a', async () => {
      ran = true;
    });
    await expect(waiting).rejects.toBeInstanceOf(PasswordChecksBusyError);
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
    hold.resolve();
    await running;
    expect(ran).toBe(false);
  });

  it('gives turns round the realms that wait: a realm arriving behind a storm is served next but one', async () => {
    const gate = new PasswordWork(limits({ concurrency: 1, maxWaiting: 10 }));
    const order: string[] = [];
    const works: ReturnType<typeof deferred<void>>[] = [];
    const run = (realm: string, name: string) =>
      gate.run(realm, () => {
        order.push(name);
        const work = deferred();
        works.push(work);
        return work.promise;
      });
    const all = [...['a1', 'a2', 'a3', 'a4', 'a5'].map((name) => run('realm-a', name)), run('realm-b', 'b1')];
    while (order.length < 6) {
      await settle();
      works.at(-1)?.resolve();
    }
    for (const work of works) work.resolve();
    await Promise.all(all);
    expect(order).toEqual(['a1', 'a2', 'b1', 'a3', 'a4', 'a5']);
  });

  it("makes room in a full queue for another realm by refusing the storming realm's newest waiter", async () => {
    const gate = new PasswordWork(limits({ concurrency: 1, maxWaiting: 4 }));
    const hold = deferred();
    const running = gate.run('realm-a', () => hold.promise);
    const storm = [1, 2, 3, 4].map(() => gate.run('realm-a', () => hold.promise));
    const outcomes = storm.map((answer) => answer.then(() => 'ran' as const).catch(() => 'refused' as const));
    const other = gate.run('realm-b', () => hold.promise);
    expect(gate.load).toEqual({ running: 1, waiting: 4 });
    // realm-a, with the most waiting, gives up its newest; realm-b gets no more than its share.
    expect(await Promise.race([outcomes[3], settle().then(() => 'still waiting')])).toBe('refused');
    const second = gate.run('realm-b', () => hold.promise);
    const third = gate.run('realm-b', () => hold.promise);
    await expect(third).rejects.toBeInstanceOf(PasswordChecksBusyError);
    hold.resolve();
    await Promise.all([running, other, second]);
    expect(await Promise.all(outcomes)).toEqual(['ran', 'ran', 'refused', 'refused']);
  });
});

describe('REALMKIT_PASSWORD_*', () => {
  it("defaults to libuv's pool size at once (UV_THREADPOOL_SIZE, else 4), 16 times that waiting, 5 s", () => {
    expect(loadConfig({}).passwordWork).toEqual({ concurrency: 4, maxWaiting: 64, maxWaitMs: 5000 });
    expect(loadConfig({ UV_THREADPOOL_SIZE: '8' }).passwordWork).toEqual({
      concurrency: 8,
      maxWaiting: 128,
      maxWaitMs: 5000,
    });
    expect(
      loadConfig({
        UV_THREADPOOL_SIZE: '8',
        REALMKIT_PASSWORD_CONCURRENCY: '3',
        REALMKIT_PASSWORD_QUEUE: '0',
        REALMKIT_PASSWORD_QUEUE_TIMEOUT: '2m',
      }).passwordWork,
    ).toEqual({ concurrency: 3, maxWaiting: 0, maxWaitMs: 120_000 });
  });

  it('refuses values out of range as a configuration error', () => {
    for (const env of [
      { REALMKIT_PASSWORD_CONCURRENCY: '0' },
      { REALMKIT_PASSWORD_CONCURRENCY: 'many' },
      { REALMKIT_PASSWORD_QUEUE: '-1' },
      { REALMKIT_PASSWORD_QUEUE_TIMEOUT: '5' },
      { REALMKIT_PASSWORD_QUEUE_TIMEOUT: '11m' },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });
});

/** A user of `realm` with `password_digest` imported, or a password the server hashes (argon2id). */
async function createUser(server: TestServer, admin: string, realm: TestRealm, json: Record<string, unknown>) {
  const email = `user-${Math.random().toString(36).slice(2)}@example.com`;
  return (
    await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, { token: admin, json: { email, ...json } })
  ).id as string;
}

describe('a verify storm through the API', { timeout: 120_000 }, () => {
  let server: TestServer;
  let admin: string;
  let stormRealm: TestRealm;
  let quietRealm: TestRealm;
  let quietUser: string;
  /** Users of stormRealm: every other one under an imported bcrypt hash (cost 12), the others under the server's argon2id. */
  const stormUsers: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ config: { passwordWork: limits({ concurrency: 2, maxWaiting: 200 }) } });
    admin = await server.masterToken();
    stormRealm = await server.createRealm(admin, 'storm');
    quietRealm = await server.createRealm(admin, 'quiet');
    // bcrypt at cost 12, near the bound: a quarter of a second of CPU per check.
    const digest = await bcrypt.hash('imported password', 12);
    for (let i = 0; i < 6; i++) {
      stormUsers.push(
        await createUser(server, admin, stormRealm, { password_digest: digest, password_algorithm: 'bcrypt' }),
        await createUser(server, admin, stormRealm, { password: 'a server-hashed password' }),
      );
    }
    quietUser = await createUser(server, admin, quietRealm, { password: 'the quiet realm password' });
  });
  afterAll(() => server?.close());

  const verify = (realm: TestRealm, id: string, password: string) =>
    server.call('POST', `/api/v1/${realm.name}/users/${id}/password/verify`, { token: admin, json: { password } });
  /** One of the quiet realm's reads: its user, or its list. */
  const quietRead = (i: number) =>
    server.expectCall(200, 'GET', `/api/v1/${quietRealm.name}/users${i % 2 ? `/${quietUser}` : ''}`, { token: admin });

  it("leaves another realm's reads to complete before the storm's last verification", async () => {
    const order: string[] = [];
    const storm = Array.from({ length: 16 }, (_, i) =>
      verify(stormRealm, stormUsers[i % stormUsers.length] as string, 'a wrong password').then((answer) => {
        order.push('storm');
        return answer.status;
      }),
    );
    for (let i = 0; i < 10; i++) {
      await quietRead(i);
      order.push('read');
    }
    expect(await Promise.all(storm)).toEqual(storm.map(() => 422));
    expect(order.lastIndexOf('read')).toBeLessThan(order.lastIndexOf('storm'));
  });

  it('leaves the event loop free while bcrypt cost-12 checks run: ten reads complete before the last of them', async () => {
    const order: string[] = [];
    const checks = [0, 2, 4, 6].map((i) =>
      verify(stormRealm, stormUsers[i] as string, 'a wrong password').then((answer) => {
        order.push('bcrypt');
        return answer.status;
      }),
    );
    for (let i = 0; i < 10; i++) {
      await quietRead(i);
      order.push('read');
    }
    expect(await Promise.all(checks)).toEqual([422, 422, 422, 422]);
    expect(order.lastIndexOf('read')).toBeLessThan(order.lastIndexOf('bcrypt'));
  });

  it("serves another realm's check next but one, not behind the storm", async () => {
    const order: string[] = [];
    const storm = Array.from({ length: 16 }, (_, i) =>
      verify(stormRealm, stormUsers[i % stormUsers.length] as string, 'a wrong password').then(() => {
        order.push('storm');
      }),
    );
    const quiet = await verify(quietRealm, quietUser, 'the quiet realm password');
    order.push('quiet');
    await Promise.all(storm);
    expect(quiet.status).toBe(204);
    // Round robin: the quiet realm's check waits for a turn or two, not for the 16 before it.
    expect(order.indexOf('quiet')).toBeLessThan(storm.length / 3);
  });
});

describe('over capacity', () => {
  let server: TestServer;
  let admin: string;
  let realm: TestRealm;
  let otherRealm: TestRealm;
  let user: string;
  let otherUser: string;

  beforeAll(async () => {
    server = await startTestServer({ config: { passwordWork: limits({ concurrency: 1, maxWaiting: 4 }) } });
    admin = await server.masterToken();
    realm = await server.createRealm(admin, 'capacity');
    otherRealm = await server.createRealm(admin, 'capacity-other');
    const digest = await bcrypt.hash('imported password', 10);
    user = await createUser(server, admin, realm, { password_digest: digest, password_algorithm: 'bcrypt' });
    otherUser = await createUser(server, admin, otherRealm, { password_digest: digest, password_algorithm: 'bcrypt' });
  });
  afterAll(() => server?.close());

  it('refuses the excess with 503 password_checks_busy, Retry-After and the documented body; never a 500', async () => {
    const answers = await Promise.all(
      Array.from({ length: 24 }, () =>
        server.call('POST', `/api/v1/${realm.name}/users/${user}/password/verify`, {
          token: admin,
          json: { password: 'a wrong password' },
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status !== 422 && status !== 503)).toEqual([]);
    expect(statuses.filter((status) => status === 422).length).toBeGreaterThanOrEqual(5);
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(API_ERRORS.password_checks_busy.status).toBe(503);
    for (const answer of refused) {
      expect(answer.headers.get('retry-after')).toBe(String(PASSWORD_BUSY_RETRY_AFTER_SECONDS));
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual({ error: 'password_checks_busy', message: ERROR_MESSAGES.passwordChecksBusy });
    }
  });

  it("still takes another realm's check while one realm's storm fills the queue", async () => {
    const storm = Array.from({ length: 24 }, () =>
      server.call('POST', `/api/v1/${realm.name}/users/${user}/password/verify`, {
        token: admin,
        json: { password: 'a wrong password' },
      }),
    );
    while (server.services.passwordWork.load.waiting < 4) await settle();
    const other = await server.call('POST', `/api/v1/${otherRealm.name}/users/${otherUser}/password/verify`, {
      token: admin,
      json: { password: 'a wrong password' },
    });
    await Promise.all(storm);
    expect(other.status).toBe(422);
  });

  it('gates every password hash: creating a user with a password and setting one answer 503 while it is full', async () => {
    const hold = deferred();
    const held = [0, 1, 2, 3, 4].map(() => server.services.passwordWork.run(realm.id, () => hold.promise));
    try {
      const created = await server.call('POST', `/api/v1/${realm.name}/users`, {
        token: admin,
        json: { email: 'hashed-later@example.com', password: 'a password to hash' },
      });
      expect(created.status).toBe(503);
      expect(created.body.error).toBe('password_checks_busy');
      const set = await server.call('PATCH', `/api/v1/${realm.name}/users/${user}/password`, {
        token: admin,
        json: { password: 'a new password to hash' },
      });
      expect(set.status).toBe(503);
      const byName = await server.call('PUT', `/api/users/${user}/password`, {
        token: admin,
        json: { newPassword: 'a new password to hash' },
      });
      expect(byName.status).toBe(503);
      // An import is stored as it is: no hash to make, nothing to wait for.
      await createUser(server, admin, realm, {
        password_digest: await bcrypt.hash('x', 4),
        password_algorithm: 'bcrypt',
      });
    } finally {
      hold.resolve();
      await Promise.all(held);
    }
  });
});

describe('the login page while password checks are busy', () => {
  let server: TestServer;
  let setup: SignInRealm;

  beforeAll(async () => {
    server = await startTestServer({ config: { passwordWork: limits({ concurrency: 1, maxWaiting: 0 }) } });
    setup = await signInRealm(server, 'busy-login');
  });
  afterAll(() => server?.close());

  it('shows the form again with a readable message and Retry-After, and signs in once there is room', async () => {
    const jar = new CookieJar();
    const page = await jar.fetch(
      `${server.url}/oauth2/${setup.realm.name}/authorize?${new URLSearchParams({
        client_id: setup.spa.clientId,
        redirect_uri: setup.spa.redirectUri,
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })}`,
    );
    const form = loginFormOf(await page.text());
    const post = () =>
      jar.fetch(new URL(form.action, server.url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(server.url).origin },
        body: new URLSearchParams({
          interaction: form.interaction,
          identifier: setup.user.email,
          password: setup.user.password,
        }).toString(),
      });

    const hold = deferred();
    const held = server.services.passwordWork.run('another realm', () => hold.promise);
    const busy = await post();
    hold.resolve();
    await held;
    expect(busy.status).toBe(503);
    expect(busy.headers.get('content-type')).toMatch(/^text\/html/);
    expect(busy.headers.get('retry-after')).toBe(String(PASSWORD_BUSY_RETRY_AFTER_SECONDS));
    const html = await busy.text();
    expect(html).toContain('The server is busy right now. Try again in a few seconds.');
    expect(html).not.toContain('password_checks_busy');
    // The form again, the identifier kept: sending it again is all it takes.
    expect(loginFormOf(html).action).toBe(form.action);
    expect(html).toContain(`value="${setup.user.email}"`);

    const signedIn = await post();
    expect(signedIn.status).toBe(303);
    expect(new URL(signedIn.headers.get('location') as string).searchParams.get('code')).toBeTruthy();
  });

  it('shows the reset-password form again on a 503, and the link still works once there is room', async () => {
    await server.expectCall(202, 'POST', `/api/v1/${setup.realm.name}/users/${setup.user.id}/password-reset-email`, {
      token: setup.admin,
    });
    const [reset] = await runStatement<{ id: string; expires_at: Date | string }>(
      server.services.orm,
      'select id, expires_at from password_resets where user_id = ? order by created_at desc limit 1',
      [setup.user.id],
    );
    const key = new SecretKey(Buffer.from(TEST_SECRET_KEY, 'base64')).passwordResetKey;
    const token = signLinkToken(key, reset?.id as string, new Date(reset?.expires_at as string));
    const jar = new CookieJar();
    const page = await jar.fetch(`${server.url}/oauth2/${setup.realm.name}/reset-password?token=${token}`);
    expect(page.status).toBe(200);
    const form = loginFormOf(await page.text());
    const post = () =>
      jar.fetch(new URL(form.action, server.url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(server.url).origin },
        body: new URLSearchParams({
          interaction: form.interaction,
          password: 'a brand new secret',
          confirmation: 'a brand new secret',
        }).toString(),
      });

    const hold = deferred();
    const held = server.services.passwordWork.run('another realm', () => hold.promise);
    const busy = await post();
    hold.resolve();
    await held;
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe(String(PASSWORD_BUSY_RETRY_AFTER_SECONDS));
    const html = await busy.text();
    expect(html).toContain('The server is busy right now. Try again in a few seconds.');
    expect(html).toContain('autocomplete="new-password"');

    const done = await post();
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your password is set');
  });
});
