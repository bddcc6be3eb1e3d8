import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LoginGuessingConfig } from '../src/config/rate-limit-config.ts';
import { delayAfter } from '../src/rate-limits/login-guessing.service.ts';
import { CookieJar, loginFormOf, type SignInRealm, signInRealm } from './support/sign-in.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * Password guessing is slowed per account and client address, never the real user (decision
 * 0020). The first delay is a minute, so that no delay runs out under a test: counts are
 * asserted, never times, and nothing waits.
 */
const GUESSING: LoginGuessingConfig = {
  failuresPerIp: 5,
  failuresPerAccount: 20,
  firstDelaySeconds: 60,
  maxDelaySeconds: 900,
  failureWindowSeconds: 3600,
};
const GUESSER = '198.51.100.7';
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) RealmkitTest/1.0';

let server: TestServer;
let setup: SignInRealm;
let other: SignInRealm;

beforeAll(async () => {
  // Behind a proxy: the address is X-Forwarded-For's, as each test sets it.
  server = await startTestServer({ config: { trustProxy: true, loginGuessing: GUESSING } });
  [setup, other] = await Promise.all([signInRealm(server, 'guess'), signInRealm(server, 'guess-other')]);
});
afterAll(async () => {
  await server?.close();
});

function authorizeUrl(realm: SignInRealm, at: TestServer = server): string {
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  return `${at.url}/oauth2/${realm.realm.name}/authorize?${new URLSearchParams({
    client_id: realm.spa.clientId,
    redirect_uri: realm.spa.redirectUri,
    response_type: 'code',
    scope: 'openid',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })}`;
}

/** A browser at one address: opens the login page once, then posts its form as often as asked. */
async function browserAt(ip: string, realm: SignInRealm = setup, at: TestServer = server) {
  const jar = new CookieJar();
  const headers = { 'x-forwarded-for': ip, 'user-agent': USER_AGENT };
  const page = await jar.fetch(authorizeUrl(realm, at), { headers });
  const form = loginFormOf(await page.text());
  return (identifier: string, password: string) =>
    jar.fetch(new URL(form.action, at.url).href, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(at.url).origin,
      },
      body: new URLSearchParams({ interaction: form.interaction, identifier, password }).toString(),
    });
}

function countOf(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

async function newUser(realm: SignInRealm) {
  const suffix = randomBytes(4).toString('hex');
  const password = `battery staple ${suffix}`;
  const user = await server.expectCall(201, 'POST', `/api/v1/${realm.realm.name}/users`, {
    token: realm.admin,
    json: { email: `grace-${suffix}@example.com`, username: `grace-${suffix}`, password },
  });
  return { id: user.id as string, email: user.email as string, username: user.username as string, password };
}

const failuresOf = (realm: SignInRealm, userId: string, token = realm.admin) =>
  server.call('GET', `/api/v1/${realm.realm.name}/users/${userId}/sign-in-failures`, { token });

describe('delays', () => {
  it('start after the threshold, at the first delay, doubling up to the cap', () => {
    const delays = Array.from({ length: 16 }, (_, failures) => delayAfter(failures, 5, GUESSING));
    expect(delays).toEqual([0, 0, 0, 0, 0, 60, 120, 240, 480, 900, 900, 900, 900, 900, 900, 900]);
    expect(delayAfter(1, 1, { firstDelaySeconds: 1, maxDelaySeconds: 900 })).toBe(1);
    expect(delayAfter(1_000, 1, { firstDelaySeconds: 1, maxDelaySeconds: 900 })).toBe(900);
  });
});

describe('password guessing', () => {
  it('refuses most of 100 wrong passwords from one address without checking them, and the user still signs in from another', async () => {
    const post = await browserAt(GUESSER);
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      const answer = await post(setup.user.email, `wrong password ${attempt}`);
      statuses.push(answer.status);
      if (answer.status === 429) refused = answer;
      else await answer.body?.cancel();
    }
    // Five passwords checked (401), then every post refused before its password is (429).
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(countOf(statuses)).toEqual({ 401: 5, 429: 95 });
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(GUESSING.firstDelaySeconds);
    expect(await refused?.text()).toMatch(/Too many sign-in attempts\. Try again in \d+ seconds?\./);

    // The right password from the guessing address is not even checked; nor is the username (one count per user).
    expect((await post(setup.user.email, setup.user.password)).status).toBe(429);
    expect((await post(setup.user.username, setup.user.password)).status).toBe(429);

    // The user, from their own address, signs in at once.
    const user = await (await browserAt('203.0.113.9'))(setup.user.email, setup.user.password);
    expect(user.status).toBe(303);
    expect(new URL(user.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy();
    // And so does another realm's user from the guessing address: its counts are per account.
    const elsewhere = await (await browserAt(GUESSER, other))(other.user.email, other.user.password);
    expect(elsewhere.status).toBe(303);
  });

  it('answers an account that does not exist exactly as one that does', async () => {
    const known = await newUser(setup);
    const run = async (ip: string, identifier: string) => {
      const post = await browserAt(ip);
      const answers: { status: number; retryAfter: string | null; error: string | undefined }[] = [];
      for (let attempt = 0; attempt < 8; attempt++) {
        const answer = await post(identifier, 'not the password');
        const html = await answer.text();
        answers.push({
          status: answer.status,
          retryAfter: answer.headers.get('retry-after'),
          error: /Too many[^<]*|The email, username[^<]*/.exec(html)?.[0],
        });
      }
      return answers;
    };
    const [forKnown, forUnknown] = await Promise.all([
      run('198.51.100.21', known.email),
      run('198.51.100.22', `nobody-${randomBytes(4).toString('hex')}@example.com`),
    ]);
    expect(forKnown.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const shape = (answers: typeof forKnown) =>
      answers.map(({ status, retryAfter, error }) => ({ status, retried: retryAfter !== null, error }));
    expect(shape(forUnknown)).toEqual(shape(forKnown));
  });

  it('delays every address that failed once the account has failed often from many, never a fresh one', async () => {
    const target = await newUser(setup);
    const addresses = Array.from({ length: GUESSING.failuresPerAccount }, (_, i) => `192.0.2.${i + 1}`);
    const posts = await Promise.all(addresses.map((ip) => browserAt(ip)));
    // One failure from each address: below the per-address threshold, so every one is checked.
    const first: number[] = [];
    for (const post of posts) first.push((await post(target.email, 'botnet guess')).status);
    expect(countOf(first)).toEqual({ 401: GUESSING.failuresPerAccount });
    // The account has now failed 20 times: an address that failed on it waits after each further failure.
    const [again] = posts;
    expect((await again?.(target.email, 'botnet guess 2'))?.status).toBe(401);
    expect((await again?.(target.email, 'botnet guess 3'))?.status).toBe(429);
    const newcomer = await browserAt('192.0.2.200');
    expect((await newcomer(target.email, 'botnet guess 4')).status).toBe(401);
    expect((await newcomer(target.email, 'botnet guess 5')).status).toBe(429);
    // The user, from an address that never failed, is not slowed.
    expect((await (await browserAt('203.0.113.10'))(target.username, target.password)).status).toBe(303);
    const { body } = await failuresOf(setup, target.id);
    expect(body.data.failures).toBe(GUESSING.failuresPerAccount + 2);
  });
});

describe('on Redis', () => {
  it('counts for every instance: failures at one delay the address at another, and clearing at either clears both', async () => {
    const onRedis = { trustProxy: true, loginGuessing: GUESSING, redisUrl: 'redis://127.0.0.1:6379' };
    // The issuer of the others (TEST_ISSUER_URL), so that the realm's tokens hold at all three.
    const [one, two] = await Promise.all([startTestServer({ config: onRedis }), startTestServer({ config: onRedis })]);
    try {
      const target = await newUser(setup);
      const atOne = await browserAt('198.51.100.40', setup, one);
      const atTwo = await browserAt('198.51.100.40', setup, two);
      for (let attempt = 0; attempt < GUESSING.failuresPerIp; attempt++) {
        expect((await atOne(target.email, `guess ${attempt}`)).status).toBe(401);
      }
      expect((await atTwo(target.email, 'guess at two')).status).toBe(429);
      const read = (at: TestServer) =>
        at.call('GET', `/api/v1/${setup.realm.name}/users/${target.id}/sign-in-failures`, { token: setup.admin });
      expect((await read(two)).body.data.failures).toBe(GUESSING.failuresPerIp);
      await one.expectCall(204, 'DELETE', `/api/v1/${setup.realm.name}/users/${target.id}/sign-in-failures`, {
        token: setup.admin,
      });
      expect((await read(two)).body.data.failures).toBe(0);
      expect((await atTwo(target.email, target.password)).status).toBe(303);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

describe('the administrator', () => {
  it("reads a user's failed sign-ins, and clears them so that the guessing address is checked again", async () => {
    const before = Date.now();
    const counted = await failuresOf(setup, setup.user.id);
    expect(counted.status).toBe(200);
    expect(counted.body.data).toEqual({
      failures: 5,
      last_failure_at: expect.any(String),
      reset_at: expect.any(String),
      delayed_until: expect.any(String),
    });
    expect(Date.parse(counted.body.data.delayed_until)).toBeGreaterThan(before);
    expect(Date.parse(counted.body.data.reset_at)).toBeGreaterThan(before);

    const base = `/api/v1/${setup.realm.name}/users/${setup.user.id}/sign-in-failures`;
    const reader = await server.token(
      setup.realm.name,
      await server.createRealmClient(setup.realm.name, ['users:read']),
    );
    expect((await server.call('GET', base, { token: reader })).status).toBe(200);
    expect((await server.call('DELETE', base, { token: reader })).status).toBe(403);
    const unknownUser = `/api/v1/${setup.realm.name}/users/0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20/sign-in-failures`;
    expect((await server.call('DELETE', unknownUser, { token: setup.admin })).status).toBe(404);
    // A user of another realm, through this realm's path, is not found.
    expect((await failuresOf(setup, other.user.id)).status).toBe(404);

    expect((await server.call('DELETE', base, { token: setup.admin })).status).toBe(204);
    expect((await failuresOf(setup, setup.user.id)).body.data).toEqual({
      failures: 0,
      last_failure_at: null,
      reset_at: null,
      delayed_until: null,
    });
    // The guessing address is checked again (401, not 429), and with the right password signs in.
    const post = await browserAt(GUESSER);
    expect((await post(setup.user.email, 'wrong again')).status).toBe(401);
    expect((await post(setup.user.email, setup.user.password)).status).toBe(303);
    // Another realm's user was never counted.
    expect((await failuresOf(other, other.user.id)).body.data.failures).toBe(0);
  });
});

describe('the audit log', () => {
  const entries = async (realm: SignInRealm, query: Record<string, string>) => {
    const response = await server.call(
      'GET',
      `/api/v1/${realm.realm.name}/audit-logs?${new URLSearchParams({ per_page: '100', ...query })}`,
      { token: realm.admin },
    );
    expect(response.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: entries are checked field by field
    return response.body.data as any[];
  };

  it('holds every sign-in, the user as actor, with address and user agent; a guessing loop writes a bounded number', async () => {
    // Written after the pages answered: they are there within moments.
    const mine = await vi.waitFor(
      async () => {
        const found = await entries(setup, { actor_user_id: setup.user.id });
        expect(found.some((entry) => entry.ip === '203.0.113.9')).toBe(true);
        expect(found.some((entry) => entry.status === 303 && entry.ip === GUESSER)).toBe(true);
        return found;
      },
      { timeout: 5000, interval: 100 },
    );
    const signedIn = mine.find((entry) => entry.ip === '203.0.113.9');
    expect(signedIn).toMatchObject({
      action: 'user.signed_in',
      outcome: 'success',
      status: 303,
      actor: {
        type: 'user',
        user_id: setup.user.id,
        client_id: setup.spa.clientId,
        application_id: setup.spa.applicationId,
        realm_id: setup.realm.id,
        realm_name: setup.realm.name,
      },
      target: { type: 'user', id: setup.user.id },
      realm_id: setup.realm.id,
      ip: '203.0.113.9',
      user_agent: USER_AGENT,
      request: { method: 'POST', path: `/oauth2/${setup.realm.name}/login` },
    });
    const fromGuesser = mine.filter((entry) => entry.ip === GUESSER);
    const failed = fromGuesser.filter((entry) => entry.action === 'user.sign_in_failed');
    // 5 + 1 wrong passwords checked; of 97 refused posts, one entry (the first after the delay began).
    expect(countOf(failed.map((entry) => entry.status))).toEqual({ 401: 6, 429: 1 });
    expect(failed.find((entry) => entry.status === 401)).toMatchObject({
      outcome: 'failure',
      actor: { type: 'user', user_id: setup.user.id },
      target: { type: 'user', id: setup.user.id },
      user_agent: USER_AGENT,
      details: { reason: 'invalid_credentials' },
    });
    expect(failed.find((entry) => entry.status === 429)?.details).toEqual({ reason: 'delayed' });

    // An identifier that names nobody: no user, and never what was typed.
    const unknown = await vi.waitFor(
      async () => {
        const found = (await entries(setup, { action: 'user.sign_in_failed' })).filter(
          (entry) => entry.ip === '198.51.100.22',
        );
        expect(found.length).toBe(6);
        return found;
      },
      { timeout: 5000, interval: 100 },
    );
    for (const entry of unknown) {
      expect(entry.actor).toMatchObject({ type: 'user', user_id: null, client_id: setup.spa.clientId });
      expect(entry.target).toEqual({ type: 'user', id: null });
    }
    expect(JSON.stringify(unknown)).not.toMatch(/nobody-|not the password/);
    expect(JSON.stringify(mine)).not.toMatch(/wrong password|correct horse/);

    // The administrator's clearing, with its client as actor.
    const [cleared] = await entries(setup, { action: 'user.sign_in_failures_cleared' });
    expect(cleared).toMatchObject({
      actor: { type: 'application', user_id: null },
      target: { type: 'user', id: setup.user.id },
      ip: null,
      user_agent: null,
    });
    // Another realm's log holds its own sign-in only.
    const elsewhere = await vi.waitFor(async () => {
      const found = await entries(other, { action: 'user.signed_in' });
      expect(found.length).toBeGreaterThan(0);
      return found;
    });
    expect(elsewhere.every((entry) => entry.actor.user_id === other.user.id)).toBe(true);
  });
});
