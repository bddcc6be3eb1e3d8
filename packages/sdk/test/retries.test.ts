import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { backoffMs, isRetrySafe, MAX_RETRY_AFTER_MS, retryAfterMs } from '../src/core/retry.ts';
import {
  APIConnectionError,
  type APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  NotModifiedError,
  PreconditionFailedError,
  RateLimitError,
  Realmkit,
  type RealmkitSettings,
  type TokenSource,
  UnprocessableEntityError,
  VERSION,
} from '../src/index.ts';
import {
  closedPort,
  data,
  type FakeServer,
  failure,
  json,
  type Scripted,
  startFakeServer,
} from './support/fake-server.ts';

/** The SDK's first backoff is 500 ms less up to 25% of jitter: a retry never comes sooner. */
const MIN_FIRST_BACKOFF_MS = 375;
/** Timers run on the event loop's cached, ms-truncated clock: allow them a few ms of earliness. */
const TIMER_SLACK_MS = 5;

/** A version 4 UUID, as `crypto.randomUUID()` makes them. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const USER = { id: 'u1', email: 'jane@example.com', name: 'Jane Doe' };
const USER_PATH = '/api/v1/acme/users/u1';

const servers: FakeServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function fakeServer(...scripted: Scripted[]): Promise<FakeServer> {
  const server = await startFakeServer(...scripted);
  servers.push(server);
  return server;
}

interface RecordingTokenSource {
  getToken(): Promise<string>;
  invalidate(token?: string): void;
  invalidated: (string | undefined)[];
}

/** Hands out `tokens` in turn: the next one after each `invalidate`. */
function tokenSource(...tokens: string[]): RecordingTokenSource {
  const queue = tokens.length > 0 ? tokens : ['test-token'];
  const invalidated: (string | undefined)[] = [];
  return {
    invalidated,
    getToken: async () => queue[Math.min(invalidated.length, queue.length - 1)]!,
    invalidate(token?: string) {
      invalidated.push(token);
    },
  };
}

function client(
  server: FakeServer | string,
  options: Partial<RealmkitSettings> & { tokenSource?: TokenSource } = {},
): Realmkit {
  return new Realmkit({
    baseUrl: typeof server === 'string' ? server : server.url,
    realm: 'acme',
    tokenSource: tokenSource(),
    ...options,
  });
}

/** What a promise rejected with (fails the test if it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** Milliseconds between the arrivals of the server's requests `i - 1` and `i`. */
function gap(server: FakeServer, i: number): number {
  return server.requests[i]!.at - server.requests[i - 1]!.at;
}

const methods = (server: FakeServer) => server.requests.map((r) => `${r.method} ${r.path}`);

describe.concurrent('retries of safe requests', () => {
  it('retries a GET after a 503, after the backoff, and resolves with the 200', async () => {
    const server = await fakeServer(failure(503), data(USER));
    expect(await client(server).users.get('u1')).toEqual(USER);
    expect(methods(server)).toEqual([`GET ${USER_PATH}`, `GET ${USER_PATH}`]);
    expect(gap(server, 1)).toBeGreaterThanOrEqual(MIN_FIRST_BACKOFF_MS - TIMER_SLACK_MS);
  });

  it('retries a GET after a network failure (socket destroyed before any answer)', async () => {
    const server = await fakeServer('destroy', data(USER));
    expect(await client(server).users.get('u1')).toEqual(USER);
    expect(methods(server)).toEqual([`GET ${USER_PATH}`, `GET ${USER_PATH}`]);
  });

  it.for([500, 502, 504, 408, 429])('retries a GET after a %i', async (status) => {
    const server = await fakeServer(failure(status), data(USER));
    expect(await client(server).users.get('u1')).toEqual(USER);
    expect(server.requests).toHaveLength(2);
  });

  it.for([
    [400, BadRequestError, 'invalid_request'],
    [404, NotFoundError, 'not_found'],
    [409, ConflictError, 'conflict'],
    [422, UnprocessableEntityError, 'unprocessable_entity'],
  ] as const)('does not retry a %i: one request, then a typed error', async ([status, ErrorClass, code]) => {
    const server = await fakeServer(failure(status, {}, code), data(USER));
    const error = await rejection(client(server).users.get('u1'));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ status, error: code, message: `scripted ${status}` });
    expect(server.requests).toHaveLength(1);
  });

  it('retries a DELETE (idempotent) after a 503', async () => {
    const server = await fakeServer(failure(503), { status: 204 });
    await expect(client(server).users.delete('u1')).resolves.toBeUndefined();
    expect(methods(server)).toEqual([`DELETE ${USER_PATH}`, `DELETE ${USER_PATH}`]);
  });
});

describe.concurrent('maxRetries', () => {
  it('defaults to 2: three requests, then an InternalServerError with status 503', async () => {
    const server = await fakeServer(failure(503, {}, 'unavailable'));
    const error = await rejection(client(server).users.get('u1'));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 503, error: 'unavailable' });
    expect(server.requests).toHaveLength(3);
  });

  it('per call { maxRetries: 0 } sends a single request', async () => {
    const server = await fakeServer(failure(503));
    const error = await rejection(client(server).users.get('u1', { maxRetries: 0 }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
  });

  it("the client's maxRetries applies, and a call's own maxRetries overrides it", async () => {
    const server = await fakeServer(failure(503));
    const rk = client(server, { maxRetries: 0 });
    await expect(rk.users.get('u1')).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
    await expect(rk.users.get('u1', { maxRetries: 1 })).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(3);
  });
});

describe.concurrent('Retry-After', () => {
  it('waits the seconds of Retry-After: 1 before retrying (429)', async () => {
    const server = await fakeServer(failure(429, { 'retry-after': '1' }), data(USER));
    expect(await client(server).users.get('u1')).toEqual(USER);
    expect(server.requests).toHaveLength(2);
    expect(gap(server, 1)).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS);
  });

  it('waits until a Retry-After HTTP date before retrying (503)', async () => {
    // A whole second (HTTP dates have no fraction), at least 600 ms ahead: longer than any first backoff.
    const until = Math.ceil((Date.now() + 600) / 1000) * 1000;
    const server = await fakeServer(failure(503, { 'retry-after': new Date(until).toUTCString() }), data(USER));
    expect(await client(server).users.get('u1')).toEqual(USER);
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(second!.wallTime).toBeGreaterThanOrEqual(until - TIMER_SLACK_MS);
    expect(gap(server, 1)).toBeGreaterThanOrEqual(until - first!.wallTime - TIMER_SLACK_MS);
  });

  it('retry-after-ms is honoured, before Retry-After', async () => {
    const server = await fakeServer(failure(503, { 'retry-after-ms': '50', 'retry-after': '30' }), data(USER));
    expect(await client(server).users.get('u1')).toEqual(USER);
    expect(server.requests).toHaveLength(2);
    expect(gap(server, 1)).toBeGreaterThanOrEqual(50 - TIMER_SLACK_MS);
  }, 10_000);

  it.for([
    [503, InternalServerError, '120'],
    [429, RateLimitError, '61'],
  ] as const)(
    'does not wait for a Retry-After above 60 s: a %i is thrown at once, after one request',
    { timeout: 10_000 },
    async ([status, ErrorClass, seconds]) => {
      const server = await fakeServer(failure(status, { 'retry-after': seconds }), data(USER));
      const error = await rejection(client(server).users.get('u1'));
      expect(error).toBeInstanceOf(ErrorClass);
      expect((error as APIError).headers.get('retry-after')).toBe(seconds);
      expect(server.requests).toHaveLength(1);
    },
  );
});

describe.concurrent('429 with Retry-After: waited out past maxRetries', () => {
  const rateLimited = (ms: number) => failure(429, { 'retry-after-ms': String(ms) }, 'rate_limited');

  it('five 429s in a row, then the answer: retried past the default maxRetries (2)', async () => {
    const server = await fakeServer(...Array.from({ length: 5 }, () => rateLimited(20)), data(USER));
    expect(await client(server).users.get('u1')).toEqual(USER);
    expect(server.requests).toHaveLength(6);
    for (let i = 1; i < 6; i++) expect(gap(server, i)).toBeGreaterThanOrEqual(20 - TIMER_SLACK_MS);
  });

  it('a PATCH without ifMatch too: a 429 was refused before it ran', async () => {
    const server = await fakeServer(rateLimited(20), rateLimited(20), rateLimited(20), data(USER));
    expect(await client(server).users.update('u1', { name: 'Jane' })).toEqual(USER);
    expect(server.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'PATCH', 'PATCH']);
  });

  it('a PATCH without ifMatch after 503 password_checks_busy too: the password work was refused before it ran', async () => {
    const busy = () => failure(503, { 'retry-after-ms': '20' }, 'password_checks_busy');
    const server = await fakeServer(busy(), busy(), busy(), data(USER));
    expect(await client(server).users.setPassword('u1', 'correct horse battery')).toEqual(USER);
    expect(server.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'PATCH', 'PATCH']);
    // Any other 503 of such a PATCH is not retried: the write may have run.
    const down = await fakeServer(failure(503, { 'retry-after-ms': '20' }, 'service_unavailable'), data(USER));
    expect(await rejection(client(down).users.setPassword('u1', 'correct horse battery'))).toBeInstanceOf(
      InternalServerError,
    );
    expect(down.requests).toHaveLength(1);
  });

  it('other failures still count against maxRetries, 429s in between or not', async () => {
    const server = await fakeServer(
      failure(503),
      rateLimited(10),
      failure(503),
      rateLimited(10),
      failure(503),
      data(USER),
    );
    const error = await rejection(client(server).users.get('u1'));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(5);
  });

  it(`the waits of one call add up to at most ${MAX_RETRY_AFTER_MS / 1000} s: a 429 asking for more is thrown at once`, async () => {
    // 20 ms waited, then 60 s more asked for: 60.02 s in all, over the budget.
    const seconds = String(MAX_RETRY_AFTER_MS / 1000);
    const server = await fakeServer(rateLimited(20), failure(429, { 'retry-after': seconds }), data(USER));
    const error = await rejection(client(server).users.get('u1'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(MAX_RETRY_AFTER_MS / 1000);
    expect(server.requests).toHaveLength(2);
  });

  it('Retry-After: 0 bounds nothing: retried within maxRetries only', async () => {
    const server = await fakeServer(failure(429, { 'retry-after': '0' }));
    const error = await rejection(client(server, { maxRetries: 1 }).users.get('u1'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(0);
    expect(server.requests).toHaveLength(2);
  });

  it.for([
    [{ 'retry-after': '7' }, 7],
    [{ 'retry-after-ms': '1500' }, 1.5],
    [{}, undefined],
  ] as const)(
    'maxRetries: 0 turns them off: one request, a RateLimitError whose retryAfter is the seconds asked (%o)',
    async ([headers, retryAfter]) => {
      const server = await fakeServer(failure(429, headers, 'rate_limited'), data(USER));
      const error = await rejection(client(server, { maxRetries: 0 }).users.get('u1'));
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({ status: 429, error: 'rate_limited', retryAfter });
      expect(server.requests).toHaveLength(1);
    },
  );
});

describe.concurrent('POST and PATCH', () => {
  const calls = {
    POST: (rk: Realmkit, options?: { idempotencyKey: string }) =>
      rk.users.create({ email: 'jane@example.com', name: 'Jane Doe' }, options),
    PATCH: (rk: Realmkit, options?: { idempotencyKey: string }) => rk.users.update('u1', { name: 'Jane' }, options),
  };

  it('a PATCH (no ifMatch, no idempotencyKey) is not retried after a 503', async () => {
    const server = await fakeServer(failure(503), data(USER));
    const error = await rejection(calls.PATCH(client(server)));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 503 });
    expect(server.requests.map((r) => [r.method, r.headers['idempotency-key']])).toEqual([['PATCH', undefined]]);
  });

  it.for([
    ['a network failure', 'destroy'],
    ['a 503', failure(503)],
    ['a 408', failure(408)],
  ] as const)(
    'a POST is retried after %s, with an Idempotency-Key of its own: a UUID, the same on each attempt',
    async ([, first]) => {
      const server = await fakeServer(first, data(USER, 201));
      expect(await calls.POST(client(server))).toEqual(USER);
      const keys = server.requests.map((r) => r.headers['idempotency-key']);
      expect(keys).toEqual([expect.stringMatching(UUID), keys[0]]);
    },
  );

  it('each POST call gets a new key; a caller’s idempotencyKey is sent instead', async () => {
    const server = await fakeServer(data(USER, 201));
    const rk = client(server);
    await calls.POST(rk);
    await calls.POST(rk);
    await calls.POST(rk, { idempotencyKey: 'mine' });
    const [first, second, third] = server.requests.map((r) => r.headers['idempotency-key']);
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(second).not.toBe(first);
    expect(third).toBe('mine');
  });

  it('the same key is sent again after a 401 (the retry with a new token)', async () => {
    const server = await fakeServer(failure(401, {}, 'invalid_token'), data(USER, 201));
    await calls.POST(client(server, { tokenSource: tokenSource('old', 'new') }));
    const [first, second] = server.requests;
    expect(second!.headers.authorization).toBe('Bearer new');
    expect(first!.headers['idempotency-key']).toMatch(UUID);
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
  });

  it('only POSTs that take Idempotency-Key get one: not GET, PATCH, DELETE, nor the token request', async () => {
    const server = await fakeServer(
      json(200, { access_token: 't', token_type: 'Bearer', expires_in: 300 }),
      data(USER),
      data(USER),
      { status: 204 },
      data({ id: 'u2', username: 'jane' }, 201),
    );
    const rk = new Realmkit({ baseUrl: server.url, realm: 'acme', clientId: 'c', clientSecret: 's' });
    await rk.users.get('u1');
    await rk.users.update('u1', { name: 'Jane' });
    await rk.users.delete('u1');
    await rk.usersByRealmName.create({
      realmName: 'acme',
      username: 'jane',
      email: 'jane@example.com',
      password: 'securePassword123',
    });
    expect(server.requests.map((r) => [r.method, r.path, r.headers['idempotency-key']])).toEqual([
      ['POST', '/oauth2/acme/token', undefined],
      ['GET', USER_PATH, undefined],
      ['PATCH', USER_PATH, undefined],
      ['DELETE', USER_PATH, undefined],
      ['POST', '/api/users', expect.stringMatching(UUID)],
    ]);
  });

  it.for(['POST', 'PATCH'] as const)(
    'a %s with an idempotencyKey is retried, each attempt carrying Idempotency-Key',
    async (method) => {
      const server = await fakeServer(failure(503), data(USER, method === 'POST' ? 201 : 200));
      expect(await calls[method](client(server), { idempotencyKey: 'k1' })).toEqual(USER);
      expect(server.requests).toHaveLength(2);
      for (const request of server.requests) {
        expect(request.method).toBe(method);
        expect(request.headers['idempotency-key']).toBe('k1');
      }
      expect(server.requests[1]!.body).toBe(server.requests[0]!.body);
    },
  );

  it('a POST with an idempotencyKey waits out 409 idempotency_key_in_progress, then gets the first answer', async () => {
    const server = await fakeServer(
      failure(409, { 'retry-after': '0' }, 'idempotency_key_in_progress'),
      data(USER, 201, { 'idempotent-replayed': 'true' }),
    );
    expect(await calls.POST(client(server), { idempotencyKey: 'k1' })).toEqual(USER);
    expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual(['k1', 'k1']);
  });

  it.for(['PATCH', 'DELETE'] as const)(
    'a %s with ifMatch is retried after a 503, each attempt carrying the same If-Match',
    async (method) => {
      const server = await fakeServer(failure(503), method === 'PATCH' ? data(USER) : { status: 204 });
      const rk = client(server);
      const options = { ifMatch: '"v1"' };
      await (method === 'PATCH' ? rk.users.update('u1', { name: 'Jane' }, options) : rk.users.delete('u1', options));
      expect(server.requests.map((r) => [r.method, r.headers['if-match']])).toEqual([
        [method, '"v1"'],
        [method, '"v1"'],
      ]);
    },
  );

  it('If-Match alone does not make a POST safe to retry (most POSTs ignore it): its key does', () => {
    expect(isRetrySafe('POST', false, true)).toBe(false);
    expect(isRetrySafe('POST', true, false)).toBe(true);
    expect(isRetrySafe('PATCH', false, true)).toBe(true);
    expect(isRetrySafe('PATCH', false, false)).toBe(false);
  });

  it('412 is a PreconditionFailedError, 304 a NotModifiedError: neither retried, ifNoneMatch sent', async () => {
    const server = await fakeServer(
      failure(412, {}, 'precondition_failed'),
      { status: 304, headers: { etag: '"v2"' } },
      data(USER),
    );
    const rk = client(server);
    const stale = await rejection(rk.users.update('u1', { name: 'Jane' }, { ifMatch: '"v1"' }));
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect(stale).toMatchObject({ status: 412, error: 'precondition_failed' });
    const current = await rejection(rk.users.get('u1', { ifNoneMatch: '"v2"' }));
    expect(current).toBeInstanceOf(NotModifiedError);
    expect(current).toMatchObject({ status: 304, error: 'not_modified' });
    expect((current as NotModifiedError).headers.get('etag')).toBe('"v2"');
    expect(server.requests.map((r) => [r.method, r.headers['if-match'], r.headers['if-none-match']])).toEqual([
      ['PATCH', '"v1"', undefined],
      ['GET', undefined, '"v2"'],
    ]);
  });

  it('any other 409 of a keyed POST is the caller’s: one request, ConflictError', async () => {
    const server = await fakeServer(failure(409, { 'retry-after': '0' }, 'conflict'), data(USER, 201));
    const error = await rejection(calls.POST(client(server), { idempotencyKey: 'k1' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(server.requests).toHaveLength(1);
  });
});

describe.concurrent('timeouts', () => {
  it('a GET that gets no answer within timeout is an APITimeoutError, after maxRetries + 1 attempts', async () => {
    const server = await fakeServer('hang');
    const error = await rejection(client(server, { timeout: 200, maxRetries: 1 }).users.get('u1'));
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(methods(server)).toEqual([`GET ${USER_PATH}`, `GET ${USER_PATH}`]);
    // Each attempt waited its timeout, and the retry its backoff.
    expect(gap(server, 1)).toBeGreaterThanOrEqual(200 + MIN_FIRST_BACKOFF_MS - TIMER_SLACK_MS);
  });

  it('a POST that times out is retried with the same key, then an APITimeoutError', async () => {
    const server = await fakeServer('hang');
    const rk = client(server, { timeout: 200, maxRetries: 1 });
    const error = await rejection(rk.users.create({ email: 'jane@example.com' }));
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    const keys = server.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual([expect.stringMatching(UUID), keys[0]]);
  });

  it("a call's own timeout overrides the client's", async () => {
    const server = await fakeServer('hang');
    const started = performance.now();
    const error = await rejection(client(server).users.get('u1', { timeout: 200, maxRetries: 0 }));
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200 - TIMER_SLACK_MS);
    expect(server.requests).toHaveLength(1);
  }, 10_000);
});

describe.concurrent('AbortSignal', () => {
  it.for(['GET', 'POST'] as const)('a %s aborted mid-request: APIUserAbortError, not retried', async (method) => {
    const server = await fakeServer('hang');
    const controller = new AbortController();
    const options = { signal: controller.signal };
    const rk = client(server);
    const pending = rejection(
      method === 'GET' ? rk.users.get('u1', options) : rk.users.create({ email: 'jane@example.com' }, options),
    );
    await server.waitForRequests(1);
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(error).not.toBeInstanceOf(APIConnectionError);
    expect(server.requests.map((r) => r.method)).toEqual([method]);
  });

  it('aborted during the backoff wait: APIUserAbortError at once, not after the wait', async () => {
    // 50 s asked for, a 10 s test timeout: only an abort that cuts the wait short can pass.
    const server = await fakeServer(failure(503, { 'retry-after': '50' }), data(USER));
    const controller = new AbortController();
    const pending = rejection(client(server).users.get('u1', { signal: controller.signal }));
    await server.waitForRequests(1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the 503 is read: the client is waiting
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(server.requests).toHaveLength(1);
  }, 10_000);

  it('already aborted: APIUserAbortError, nothing sent', async () => {
    const server = await fakeServer(data(USER));
    const error = await rejection(client(server).users.get('u1', { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('connection refused', () => {
  it('is an APIConnectionError (not a timeout) after the retries', async () => {
    const port = await closedPort();
    let attempts = 0;
    // Counts the attempts; every one goes through the real fetch to the closed port.
    const countingFetch: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const started = performance.now();
    const error = await rejection(
      client(`http://127.0.0.1:${port}`, { maxRetries: 1, fetch: countingFetch }).users.get('u1'),
    );
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).not.toBeInstanceOf(APITimeoutError);
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect(attempts).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(MIN_FIRST_BACKOFF_MS - TIMER_SLACK_MS);
  });
});

describe.concurrent('headers', () => {
  it('VERSION is the version in packages/sdk/package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('every request, retries included, carries the client headers, the token, and content-type for JSON bodies', async () => {
    const server = await fakeServer(
      failure(503),
      data(USER),
      data(USER, 201),
      failure(503),
      data(USER),
      { status: 204 },
      data(USER, 201),
    );
    const rk = client(server);
    await rk.users.get('u1');
    await rk.users.create({ email: 'jane@example.com', name: 'Jane Doe' });
    await rk.users.update('u1', { name: 'Jane' }, { idempotencyKey: 'k2' });
    await rk.users.delete('u1');
    await rk.users.create({ email: 'joe@example.com' }, { headers: { 'x-extra': 'yes' } });

    expect(methods(server)).toEqual([
      `GET ${USER_PATH}`,
      `GET ${USER_PATH}`,
      'POST /api/v1/acme/users',
      `PATCH ${USER_PATH}`,
      `PATCH ${USER_PATH}`,
      `DELETE ${USER_PATH}`,
      'POST /api/v1/acme/users',
    ]);
    for (const request of server.requests) {
      expect(request.headers).toMatchObject({
        'x-realmkit-client': `sdk-js/${VERSION}`,
        'user-agent': `realmkit-sdk-js/${VERSION}`,
        authorization: 'Bearer test-token',
      });
      if (request.method === 'GET' || request.method === 'DELETE') {
        expect(request.body).toBe('');
      } else {
        expect(request.headers['content-type']).toBe('application/json');
      }
    }
    expect(JSON.parse(server.requests[2]!.body)).toEqual({ email: 'jane@example.com', name: 'Jane Doe' });
    expect(JSON.parse(server.requests[4]!.body)).toEqual({ name: 'Jane' });
    expect(server.requests[6]!.headers['x-extra']).toBe('yes');
  });
});

describe.concurrent('401 from the API', () => {
  it('invalidates the token and retries exactly once, then throws AuthenticationError', async () => {
    const server = await fakeServer(failure(401, {}, 'invalid_token'));
    const tokens = tokenSource();
    const error = await rejection(client(server, { tokenSource: tokens }).users.get('u1'));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, error: 'invalid_token' });
    expect(tokens.invalidated).toEqual(['test-token']);
    expect(server.requests).toHaveLength(2);
  }, 10_000);

  it('the retry carries the new token and succeeds', async () => {
    const server = await fakeServer(failure(401, {}, 'invalid_token'), data(USER));
    const tokens = tokenSource('test-token', 'fresh-token');
    expect(await client(server, { tokenSource: tokens }).users.get('u1')).toEqual(USER);
    expect(tokens.invalidated).toEqual(['test-token']);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer test-token', 'Bearer fresh-token']);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const of = (headers: Record<string, string>) => retryAfterMs(new Headers(headers), now);

  it('reads Retry-After in seconds', () => {
    expect(of({ 'retry-after': '1' })).toBe(1000);
    expect(of({ 'retry-after': '0' })).toBe(0);
    expect(of({ 'retry-after': '120' })).toBe(120_000);
  });

  it('reads Retry-After as an HTTP date, 0 when it has passed', () => {
    expect(of({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' })).toBe(30_000);
    expect(of({ 'retry-after': new Date(now + 5000).toUTCString() })).toBe(5000);
    expect(of({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' })).toBe(0);
  });

  it('reads retry-after-ms, before Retry-After', () => {
    expect(of({ 'retry-after-ms': '250' })).toBe(250);
    expect(of({ 'retry-after-ms': '250', 'retry-after': '3' })).toBe(250);
    expect(of({ 'retry-after-ms': 'soon', 'retry-after': '3' })).toBe(3000);
  });

  it('is undefined when absent or unreadable', () => {
    expect(of({})).toBeUndefined();
    expect(of({ 'retry-after': 'soon' })).toBeUndefined();
    expect(of({ 'retry-after': '' })).toBeUndefined();
    expect(of({ 'retry-after': '5 seconds' })).toBeUndefined();
    expect(of({ 'retry-after-ms': 'soon' })).toBeUndefined();
  });

  it('is undefined for values that are neither delay-seconds nor an HTTP date (RFC 9110 §10.2.3)', () => {
    // Fractional or negative seconds, or text ending in a number: V8's Date.parse reads them as dates in 2001.
    expect(of({ 'retry-after': '1.5' })).toBeUndefined();
    expect(of({ 'retry-after': '-1' })).toBeUndefined();
    expect(of({ 'retry-after': 'abc 5' })).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('doubles from 500 ms and is capped at 8 s', () => {
    const noJitter = () => 0;
    expect([0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, noJitter))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffMs(100, noJitter)).toBe(8000);
    expect(backoffMs(2000, noJitter)).toBe(8000);
  });

  it('jitter takes off at most 25%', () => {
    expect(backoffMs(0, () => 1)).toBe(375);
    expect(backoffMs(0, () => 0.5)).toBe(437.5);
    expect(backoffMs(10, () => 1)).toBe(6000);
    for (let i = 0; i < 1000; i++) {
      const attempt = i % 6;
      const base = Math.min(500 * 2 ** attempt, 8000);
      const delay = backoffMs(attempt);
      expect(delay).toBeGreaterThanOrEqual(base * 0.75);
      expect(delay).toBeLessThanOrEqual(base);
    }
  });
});
