import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { RATE_LIMITS_OFF, type RateLimitsConfig } from '../src/config/rate-limit-config.ts';
import {
  type ClientCredentials,
  startTestServer,
  startWithRealms,
  type TestRealm,
  type TestServer,
} from './support/test-server.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
/** A port of this suite's range where nothing listens: Redis "down". */
const REDIS_DOWN_URL = 'redis://127.0.0.1:19573';
/** Windows long enough that no test can outlive one: counts never reset under a test. */
const HOUR = 3600;

let setup: TestServer;
let admin: string;
let realm: TestRealm;
const started: TestServer[] = [];

/** The setup server has no limits (the test default); each test starts servers with its own. */
beforeAll(async () => {
  ({ server: setup, admin, realm } = await startWithRealms('rate'));
});
afterAll(async () => {
  for (const server of started) await server.close();
  await setup?.close();
});

async function limitedServer(rateLimits: Partial<RateLimitsConfig>, config: Record<string, unknown> = {}) {
  const server = await startTestServer({ config: { rateLimits: { ...RATE_LIMITS_OFF, ...rateLimits }, ...config } });
  started.push(server);
  return server;
}

function tokenRequest(server: TestServer, client: ClientCredentials, headers: Record<string, string> = {}) {
  return server.call('POST', `/oauth2/${realm.name}/token`, {
    form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret },
    headers,
  });
}

const limitHeaders = (headers: Headers) => ({
  limit: headers.get('ratelimit-limit'),
  remaining: headers.get('ratelimit-remaining'),
  policy: headers.get('ratelimit-policy'),
});

/** `RateLimit-Reset` and `Retry-After`: whole seconds within the window. */
function expectSecondsWithinWindow(value: string | null) {
  expect(value).toMatch(/^\d+$/);
  expect(Number(value)).toBeGreaterThanOrEqual(1);
  expect(Number(value)).toBeLessThanOrEqual(HOUR);
}

describe('configuration', () => {
  it('reads `<requests>/<window>` or `off` per limit, with defaults after Auth0’s', () => {
    expect(loadConfig({}).rateLimits).toEqual({
      tokenPerClient: { points: 30, durationSeconds: 1 },
      tokenPerIp: { points: 100, durationSeconds: 1 },
      managementPerClient: { points: 50, durationSeconds: 1 },
      loginPerIp: { points: 100, durationSeconds: 60 },
      clientAuthFailuresPerClientAndIp: { points: 10, durationSeconds: 60 },
      clientAuthFailuresPerIp: { points: 100, durationSeconds: 60 },
    });
    const config = loadConfig({
      REALMKIT_RATE_LIMIT_TOKEN_PER_CLIENT: '600/10m',
      REALMKIT_RATE_LIMIT_TOKEN_PER_IP: 'off',
      REALMKIT_RATE_LIMIT_MANAGEMENT_PER_CLIENT: '5000/h',
      REALMKIT_RATE_LIMIT_LOGIN_PER_IP: 'off',
      REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_CLIENT_AND_IP: '5/10m',
      REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_IP: 'off',
      REDIS_URL,
    });
    expect(config.rateLimits).toEqual({
      tokenPerClient: { points: 600, durationSeconds: 600 },
      tokenPerIp: undefined,
      managementPerClient: { points: 5000, durationSeconds: 3600 },
      loginPerIp: undefined,
      clientAuthFailuresPerClientAndIp: { points: 5, durationSeconds: 600 },
      clientAuthFailuresPerIp: undefined,
    });
    expect(config.redisUrl).toBe(REDIS_URL);
    for (const bad of ['30', '0/s', '30/d', 'none', '30/0s']) {
      expect(() => loadConfig({ REALMKIT_RATE_LIMIT_TOKEN_PER_CLIENT: bad }), bad).toThrow(ConfigError);
    }
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL/);
  });

  it('reads the login guessing delays: counts, durations, or `off` for none', () => {
    expect(loadConfig({}).loginGuessing).toEqual({
      failuresPerIp: 5,
      failuresPerAccount: 50,
      firstDelaySeconds: 1,
      maxDelaySeconds: 900,
      failureWindowSeconds: 43_200,
    });
    expect(
      loadConfig({
        REALMKIT_LOGIN_FAILURES_PER_IP: '10',
        REALMKIT_LOGIN_FAILURES_PER_ACCOUNT: '200',
        REALMKIT_LOGIN_FIRST_DELAY: '5s',
        REALMKIT_LOGIN_MAX_DELAY: '30s',
        REALMKIT_LOGIN_FAILURE_WINDOW: '2h',
      }).loginGuessing,
    ).toEqual({
      failuresPerIp: 10,
      failuresPerAccount: 200,
      firstDelaySeconds: 5,
      maxDelaySeconds: 30,
      failureWindowSeconds: 7200,
    });
    expect(loadConfig({ REALMKIT_LOGIN_FAILURES_PER_IP: 'off' }).loginGuessing).toBeUndefined();
    for (const [name, bad] of [
      ['REALMKIT_LOGIN_FAILURES_PER_IP', '0'],
      ['REALMKIT_LOGIN_FAILURES_PER_ACCOUNT', 'off'],
      ['REALMKIT_LOGIN_MAX_DELAY', '15'],
      ['REALMKIT_LOGIN_FAILURE_WINDOW', '1d'],
    ] as const) {
      expect(() => loadConfig({ [name]: bad }), `${name}=${bad}`).toThrow(new RegExp(name));
    }
  });

  it('sends no RateLimit headers when the limits are off', async () => {
    const response = await setup.call('GET', `/api/v1/${realm.name}/users`, { token: admin });
    expect(response.status).toBe(200);
    expect(limitHeaders(response.headers)).toEqual({ limit: null, remaining: null, policy: null });
  });
});

describe('the token endpoint, in memory', () => {
  let clientA: ClientCredentials;
  let clientB: ClientCredentials;

  beforeAll(async () => {
    [clientA, clientB] = await Promise.all([
      setup.createRealmClient(realm.name, ['users:read']),
      setup.createRealmClient(realm.name, ['users:read']),
    ]);
  });

  it('limits each client_id: 429 in RFC 6749 shape with Retry-After past it; another client is unaffected', async () => {
    const server = await limitedServer({ tokenPerClient: { points: 3, durationSeconds: HOUR } });
    for (const remaining of ['2', '1', '0']) {
      const response = await tokenRequest(server, clientA);
      expect(response.status).toBe(200);
      expect(limitHeaders(response.headers)).toEqual({ limit: '3', remaining, policy: `3;w=${HOUR}` });
      expectSecondsWithinWindow(response.headers.get('ratelimit-reset'));
    }
    const refused = await tokenRequest(server, clientA);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: 'rate_limited',
      error_description: expect.stringMatching(/^Too many requests for this client; retry in \d+ s$/),
      message: refused.body.error_description,
    });
    expectSecondsWithinWindow(refused.headers.get('retry-after'));
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(limitHeaders(refused.headers)).toEqual({ limit: '3', remaining: '0', policy: `3;w=${HOUR}` });
    // The authenticated client counts, whatever the authentication method.
    const basic = Buffer.from(`${clientA.clientId}:${clientA.clientSecret}`).toString('base64');
    const viaBasic = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: `Basic ${basic}` },
    });
    expect(viaBasic.status).toBe(429);

    const other = await tokenRequest(server, clientB);
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('2');
  });

  it('limits each IP address (behind a trusted proxy, the forwarded one)', async () => {
    const server = await limitedServer({ tokenPerIp: { points: 2, durationSeconds: HOUR } }, { trustProxy: true });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    expect((await tokenRequest(server, clientA, from('203.0.113.7'))).status).toBe(200);
    expect((await tokenRequest(server, clientB, from('203.0.113.7'))).status).toBe(200);
    const refused = await tokenRequest(server, clientB, from('203.0.113.7'));
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
    expect(refused.body.error_description).toMatch(/^Too many requests from this address; retry in \d+ s$/);
    const elsewhere = await tokenRequest(server, clientB, from('198.51.100.4'));
    expect(elsewhere.status).toBe(200);
    expect(limitHeaders(elsewhere.headers)).toEqual({ limit: '2', remaining: '1', policy: `2;w=${HOUR}` });
  });

  it('advertises the quota closest to running out when both apply', async () => {
    const server = await limitedServer({
      tokenPerClient: { points: 5, durationSeconds: HOUR },
      tokenPerIp: { points: 20, durationSeconds: HOUR },
    });
    const response = await tokenRequest(server, clientB);
    expect(response.status).toBe(200);
    expect(limitHeaders(response.headers)).toEqual({ limit: '5', remaining: '4', policy: `5;w=${HOUR}` });
  });
});

describe('client authentication failures, in memory', () => {
  /** The token endpoint's limits as in production, and the failure quotas, with hour-long windows. */
  const guarded: Partial<RateLimitsConfig> = {
    tokenPerClient: { points: 30, durationSeconds: HOUR },
    tokenPerIp: { points: 1000, durationSeconds: HOUR },
    clientAuthFailuresPerClientAndIp: { points: 10, durationSeconds: HOUR },
    clientAuthFailuresPerIp: { points: 100, durationSeconds: HOUR },
  };
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const wrongSecret = (client: ClientCredentials): ClientCredentials => ({ ...client, clientSecret: 'not-the-secret' });
  const basic = (client: ClientCredentials) =>
    `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;
  const introspect = (server: TestServer, as: ClientCredentials, token: string, ip: string) =>
    server.call('POST', `/oauth2/${realm.name}/introspect`, {
      form: { token },
      headers: { authorization: basic(as), ...from(ip) },
    });
  const revoke = (server: TestServer, as: ClientCredentials, ip: string) =>
    server.call('POST', `/oauth2/${realm.name}/revoke`, {
      form: { token: 'nothing-to-revoke' },
      headers: { authorization: basic(as), ...from(ip) },
    });

  function expectRefusedForFailures(response: Awaited<ReturnType<TestServer['call']>>, limit: string) {
    expect(response.status).toBe(429);
    expect(response.body).toEqual({
      error: 'rate_limited',
      error_description: expect.stringMatching(/^Too many failed client authentications; retry in \d+ s$/),
      message: response.body.error_description,
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('ratelimit-limit')).toBe(limit);
    expect(response.headers.get('ratelimit-remaining')).toBe('0');
    expectSecondsWithinWindow(response.headers.get('retry-after'));
  }

  it('100 wrong secrets for a client from one address leave the client its token from another (issue 23)', async () => {
    const server = await limitedServer(guarded, { trustProxy: true });
    const victim = await setup.createRealmClient(realm.name, ['users:read']);
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      statuses.push((await tokenRequest(server, wrongSecret(victim), from('203.0.113.66'))).status);
    }
    const real = await tokenRequest(server, victim, from('198.51.100.20'));
    expect(real.status).toBe(200);
    // Its budget is its own: only its authenticated request counted.
    expect(limitHeaders(real.headers)).toEqual({ limit: '30', remaining: '29', policy: `30;w=${HOUR}` });
    // The guesser: 10 secrets checked, then refused without checking.
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(90).fill(429)]);
  });

  it('refuses the address that failed, even with the right secret, until the window passes', async () => {
    const server = await limitedServer(
      { ...guarded, clientAuthFailuresPerClientAndIp: { points: 3, durationSeconds: 2 } },
      { trustProxy: true },
    );
    const client = await setup.createRealmClient(realm.name, ['users:read']);
    const here = from('203.0.113.67');
    for (let i = 0; i < 3; i++) expect((await tokenRequest(server, wrongSecret(client), here)).status).toBe(401);
    const refused = await tokenRequest(server, client, here);
    expectRefusedForFailures(refused, '3');
    // A further guess is refused the same way, not answered 401: its secret is not checked.
    expectRefusedForFailures(await tokenRequest(server, wrongSecret(client), here), '3');
    await new Promise((resolve) => setTimeout(resolve, Number(refused.headers.get('retry-after')) * 1000 + 200));
    expect((await tokenRequest(server, client, here)).status).toBe(200);
  });

  it('limits failures per address across client_ids; other addresses are unaffected', async () => {
    const server = await limitedServer(
      { ...guarded, clientAuthFailuresPerIp: { points: 5, durationSeconds: HOUR } },
      { trustProxy: true },
    );
    const client = await setup.createRealmClient(realm.name, ['users:read']);
    const sprayer = from('203.0.113.68');
    for (let i = 0; i < 5; i++) {
      const guess = { clientId: `no-such-client-${randomUUID()}`, clientSecret: 'guess' };
      expect((await tokenRequest(server, guess, sprayer)).status).toBe(401);
    }
    expectRefusedForFailures(await tokenRequest(server, client, sprayer), '5');
    expect((await tokenRequest(server, client, from('198.51.100.21'))).status).toBe(200);
  });

  it('limits introspection the same way: guesses get 429 past the limit, the right caller still 200', async () => {
    const server = await limitedServer(guarded, { trustProxy: true });
    const [caller, subject] = await Promise.all([
      setup.createRealmClient(realm.name, ['users:read']),
      setup.createRealmClient(realm.name, ['users:read']),
    ]);
    const token = await setup.token(realm.name, subject);
    const guesser = '203.0.113.69';
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await introspect(server, wrongSecret(caller), token, guesser)).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    expectRefusedForFailures(await introspect(server, caller, token, guesser), '10');

    const answered = await introspect(server, caller, token, '198.51.100.22');
    expect(answered.status).toBe(200);
    expect(answered.body.active).toBe(true);
    // The token endpoint's request quotas count it too.
    expect(limitHeaders(answered.headers)).toEqual({ limit: '30', remaining: '29', policy: `30;w=${HOUR}` });
  });

  it('counts failures at the token, introspection and revocation endpoints in one bucket', async () => {
    const server = await limitedServer(guarded, { trustProxy: true });
    const client = await setup.createRealmClient(realm.name, ['users:read']);
    const token = await setup.token(realm.name, client);
    const here = '203.0.113.70';
    for (let i = 0; i < 4; i++) expect((await tokenRequest(server, wrongSecret(client), from(here))).status).toBe(401);
    for (let i = 0; i < 4; i++) expect((await introspect(server, wrongSecret(client), token, here)).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await revoke(server, wrongSecret(client), here)).status).toBe(401);
    expectRefusedForFailures(await revoke(server, client, here), '10');
    expectRefusedForFailures(await introspect(server, client, token, here), '10');
    expectRefusedForFailures(await tokenRequest(server, client, from(here)), '10');
    expect((await revoke(server, client, '198.51.100.23')).status).toBe(200);
  });
});

describe('the Management API, in memory', () => {
  it('limits each token client: 429 `rate_limited` with Retry-After, unrecorded; another client is unaffected', async () => {
    const [clientA, clientB] = await Promise.all([
      setup.createRealmClient(realm.name, ['users:read', 'users:write']),
      setup.createRealmClient(realm.name, ['users:read']),
    ]);
    const [tokenA, tokenB] = await Promise.all([setup.token(realm.name, clientA), setup.token(realm.name, clientB)]);
    const server = await limitedServer({ managementPerClient: { points: 3, durationSeconds: HOUR } });
    const users = `/api/v1/${realm.name}/users`;
    for (const remaining of ['2', '1', '0']) {
      const response = await server.call('GET', users, { token: tokenA });
      expect(response.status).toBe(200);
      expect(limitHeaders(response.headers)).toEqual({ limit: '3', remaining, policy: `3;w=${HOUR}` });
    }
    const email = `limited-${randomUUID()}@example.com`;
    const refused = await server.call('POST', users, { token: tokenA, json: { email } });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: 'rate_limited',
      message: expect.stringMatching(/^Too many requests for this client; retry in \d+ s$/),
    });
    expectSecondsWithinWindow(refused.headers.get('retry-after'));
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    // Refused before it ran: no user, no audit entry.
    expect(await setup.expectCall(200, 'GET', `${users}?search=${email}`, { token: admin })).toEqual([]);
    const audited = await setup.expectCall(200, 'GET', `/api/v1/${realm.name}/audit-logs?actor=${clientA.clientId}`, {
      token: admin,
    });
    expect(audited).toEqual([]);

    const other = await server.call('GET', users, { token: tokenB });
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('2');
  });

  it('counts a replayed POST (Idempotency-Key) like any request, and refuses it past the limit; the key keeps its answer', async () => {
    const client = await setup.createRealmClient(realm.name, ['roles:write']);
    const token = await setup.token(realm.name, client);
    const server = await limitedServer({ managementPerClient: { points: 2, durationSeconds: HOUR } });
    const key = randomUUID();
    const create = () =>
      server.call('POST', `/api/v1/${realm.name}/roles`, {
        token,
        json: { name: `limited-${key}` },
        headers: { 'idempotency-key': key },
      });
    const first = await create();
    expect(first.status).toBe(201);
    const replay = await create();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('ratelimit-remaining')).toBe('0');
    const refused = await create();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('idempotent-replayed')).toBeNull();
    // The refusal did not touch the key: another instance (without limits) still answers the first response.
    const elsewhere = await setup.call('POST', `/api/v1/${realm.name}/roles`, {
      token,
      json: { name: `limited-${key}` },
      headers: { 'idempotency-key': key },
    });
    expect(elsewhere.headers.get('idempotent-replayed')).toBe('true');
    expect(elsewhere.body).toEqual(first.body);
  });
});

describe('shared limits on Redis', () => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const keys: string[] = [];
  afterAll(async () => {
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("two instances on one Redis share one client's budget; another client keeps its own", async () => {
    const [clientC, clientD] = await Promise.all([
      setup.createRealmClient(realm.name, ['users:read']),
      setup.createRealmClient(realm.name, ['users:read']),
    ]);
    keys.push(
      ...[clientC, clientD].map((c) => `realmkit:rl:management-client:${realm.id}:${c.clientId}`),
      ...[clientC, clientD].map((c) => `realmkit:rl:token-client:${c.clientId}`),
    );
    const limits = {
      managementPerClient: { points: 4, durationSeconds: HOUR },
      tokenPerClient: { points: 3, durationSeconds: HOUR },
    };
    const [one, two] = await Promise.all([
      limitedServer(limits, { redisUrl: REDIS_URL }),
      limitedServer(limits, { redisUrl: REDIS_URL }),
    ]);

    // The token endpoint: 3 for client C across both instances.
    expect((await tokenRequest(one, clientC)).headers.get('ratelimit-remaining')).toBe('2');
    expect((await tokenRequest(two, clientC)).headers.get('ratelimit-remaining')).toBe('1');
    const tokenC = (await tokenRequest(one, clientC)).body.access_token;
    expect((await tokenRequest(two, clientC)).status).toBe(429);

    // The Management API: 4 for client C across both instances.
    const users = `/api/v1/${realm.name}/users`;
    const seen: string[] = [];
    for (const server of [one, two, one, two]) {
      const response = await server.call('GET', users, { token: tokenC });
      expect(response.status).toBe(200);
      seen.push(response.headers.get('ratelimit-remaining') ?? '');
    }
    expect(seen).toEqual(['3', '2', '1', '0']);
    for (const server of [one, two]) {
      const refused = await server.call('GET', users, { token: tokenC });
      expect(refused.status).toBe(429);
      expectSecondsWithinWindow(refused.headers.get('retry-after'));
    }
    const tokenD = await setup.token(realm.name, clientD);
    const other = await two.call('GET', users, { token: tokenD });
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('3');
  });

  it('two instances on one Redis share the failures of a client_id from an address', async () => {
    const client = await setup.createRealmClient(realm.name, ['users:read']);
    const guesser = '203.0.113.71';
    keys.push(
      `realmkit:rl:client-auth-failures:${guesser} ${client.clientId}`,
      `realmkit:rl:client-auth-failures-ip:${guesser}`,
      `realmkit:rl:token-client:${client.clientId}`,
    );
    const limits = {
      tokenPerClient: { points: 3, durationSeconds: HOUR },
      clientAuthFailuresPerClientAndIp: { points: 2, durationSeconds: HOUR },
      clientAuthFailuresPerIp: { points: 100, durationSeconds: HOUR },
    };
    const [one, two] = await Promise.all([
      limitedServer(limits, { redisUrl: REDIS_URL, trustProxy: true }),
      limitedServer(limits, { redisUrl: REDIS_URL, trustProxy: true }),
    ]);
    const wrong = { ...client, clientSecret: 'not-the-secret' };
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    expect((await tokenRequest(one, wrong, from(guesser))).status).toBe(401);
    expect((await tokenRequest(two, wrong, from(guesser))).status).toBe(401);
    for (const server of [one, two]) expect((await tokenRequest(server, client, from(guesser))).status).toBe(429);
    const real = await tokenRequest(two, client, from('198.51.100.24'));
    expect(real.status).toBe(200);
    expect(real.headers.get('ratelimit-remaining')).toBe('2');
  });

  it('fails open to per-instance limits, with a warning, when Redis is unreachable', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const client = await setup.createRealmClient(realm.name, ['users:read']);
    const token = await setup.token(realm.name, client);
    const server = await startTestServer({
      config: {
        rateLimits: { ...RATE_LIMITS_OFF, managementPerClient: { points: 2, durationSeconds: HOUR } },
        redisUrl: REDIS_DOWN_URL,
      },
      logger: pino({ level: 'warn' }, sink),
    });
    started.push(server);
    const users = `/api/v1/${realm.name}/users`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await server.call('GET', users, { token })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(warnings).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining('this instance counts on its own') }),
    );
  });
});
