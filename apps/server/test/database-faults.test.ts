import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../src/db/database-unavailable.ts';
import { toApiError } from '../src/http/error-handler.ts';
import { TEST_BOOTSTRAP_CLIENT } from './support/constants.ts';
import { type FreshDatabase, freshDatabase } from './support/fresh-database.ts';
import { TcpProxy } from './support/tcp-proxy.ts';
import { type ApiResponse, startTestServer, type TestRealm, type TestServer } from './support/test-server.ts';

/**
 * The database going away under load and coming back: a TCP proxy between the server and its own
 * fresh database is cut (every connection reset, new ones refused) and restored, while workers
 * keep creating and reading users. Every response is checked against the OpenAPI document.
 */

let database: FreshDatabase;
let proxy: TcpProxy;
let server: TestServer;
let admin: string;
let realm: TestRealm;

beforeAll(async () => {
  database = await freshDatabase('faults');
  const url = new URL(database.url);
  proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
  server = await startTestServer({ config: { databaseUrl: proxy.proxied(database.url), migrate: true } });
  admin = await server.masterToken();
  realm = await server.createRealm(admin, 'faults');
});
afterAll(async () => {
  await server?.close();
  await proxy?.close();
  await database?.drop();
});

type Phase = 'healthy' | 'cut' | 'restored';

/** A response of the load, with the phase when it was sent and when it came back. */
interface Outcome {
  sent: Phase;
  received: Phase;
  kind: 'create' | 'read';
  response: ApiResponse;
}

const WORKERS = 4;

let phase: Phase = 'healthy';
let stopped = false;
let failure: unknown;
/** Acknowledged creates (201), id → email: each must be readable at the end. */
const acknowledged = new Map<string, string>();
const outcomes: Outcome[] = [];

/** Workers alternating creates and reads of acknowledged users, until {@link stopped}. */
function startLoad(): Promise<void> {
  const users = `/api/v1/${realm.name}/users`;
  const worker = async () => {
    for (let i = 0; !stopped; i++) {
      const sent = phase;
      const known = [...acknowledged.keys()];
      if (i % 2 === 1 && known.length > 0) {
        const response = await server.call('GET', `${users}/${known[i % known.length]}`, { token: admin });
        outcomes.push({ sent, received: phase, kind: 'read', response });
        continue;
      }
      const email = `load-${randomBytes(6).toString('hex')}@example.com`;
      const response = await server.call('POST', users, { token: admin, json: { email, password: 'load-password-1' } });
      outcomes.push({ sent, received: phase, kind: 'create', response });
      if (response.status === 201) acknowledged.set(response.body.data.id, email);
    }
  };
  const run = async () => {
    try {
      await worker();
    } catch (error) {
      // An undeclared status or body (a 500, say) fails the test, through `until`.
      failure ??= error;
      stopped = true;
    }
  };
  return Promise.all(Array.from({ length: WORKERS }, run)).then(() => undefined);
}

/** Outcomes sent and received within `within`. */
const during = (within: Phase) => outcomes.filter((o) => o.sent === within && o.received === within);
const countOf = (within: Phase, status: number) => during(within).filter((o) => o.response.status === status).length;

/** Waits (bounded by the test's timeout) until `condition` holds; rethrows a worker's failure. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    if (failure) throw failure;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the database unreachable under load', () => {
  it('answers 503 in the error format and fails /readyz, then recovers without a restart, losing no acknowledged write', async () => {
    const load = startLoad();
    await until(() => countOf('healthy', 201) >= 10);

    phase = 'cut';
    proxy.cut();
    await until(() => countOf('cut', 503) >= 12);
    const readyWhileCut = await server.call('GET', '/readyz');
    const tokenWhileCut = await server.call('POST', '/oauth2/master/token', {
      form: {
        grant_type: 'client_credentials',
        client_id: TEST_BOOTSTRAP_CLIENT.clientId,
        client_secret: TEST_BOOTSTRAP_CLIENT.clientSecret,
      },
    });

    phase = 'restored';
    proxy.restore();
    await until(() => countOf('restored', 201) >= 10);
    const readyAfter = await server.call('GET', '/readyz');
    stopped = true;
    await load;
    if (failure) throw failure;

    // Nothing but 200, 201 and 503, ever: no 500, no stack trace (the OpenAPI check has seen every body).
    expect(new Set(outcomes.map((o) => o.response.status))).toEqual(new Set([200, 201, 503]));
    // Healthy, then restored: every request succeeds.
    for (const within of ['healthy', 'restored'] as const) {
      expect(
        during(within)
          .filter((o) => o.response.status >= 300)
          .map((o) => o.response.body),
      ).toEqual([]);
    }
    // Cut: every request answers 503 service_unavailable, with Retry-After.
    const cut = during('cut');
    expect(cut.length).toBeGreaterThanOrEqual(12);
    for (const { response } of cut) {
      expect(response.status).toBe(503);
      expect(response.body).toEqual({
        error: 'service_unavailable',
        message: 'The database is unreachable; retry in a few seconds',
      });
      expect(response.headers.get('retry-after')).toBe('5');
    }
    expect(readyWhileCut.status).toBe(503);
    expect(readyWhileCut.body).toMatchObject({ error: 'service_unavailable', message: 'Not ready: database' });
    expect(readyWhileCut.body.details).toEqual([
      { path: 'database', message: expect.stringMatching(/^The database (is unreachable|did not answer)/) },
    ]);
    expect(tokenWhileCut.status).toBe(503);
    expect(readyAfter.status).toBe(200);

    // No acknowledged write lost: every 201 is there, as created.
    expect(acknowledged.size).toBeGreaterThanOrEqual(20);
    const users = `/api/v1/${realm.name}/users`;
    for (const [id, email] of acknowledged) {
      const user = await server.expectCall(200, 'GET', `${users}/${id}`, { token: admin });
      expect(user.email).toBe(email);
    }

    // No connection leaked by the failed transactions: the pool gets every one back (else the
    // pool would run dry after a few outages, and a restart would be the only way out).
    const pool = (await server.services.orm.em.getConnection().getNativeClient()) as {
      totalCount: number;
      idleCount: number;
    };
    await until(() => pool.idleCount === pool.totalCount);
  }, 120_000);
});

describe('which errors mean "the database is unreachable"', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it("socket errors, connection SQLSTATEs and the driver's connection messages, even wrapped: 503", () => {
    for (const error of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('sorry, too many clients already', '53300'),
      withCode('connection failure', '08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('a wrapper', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') }),
    ]) {
      expect(isDatabaseUnavailable(error), error.message).toBe(true);
      expect(toApiError(error)?.status, error.message).toBe(503);
    }
  });

  it('not a query that is wrong, nor a client hanging up mid-body', () => {
    for (const error of [
      withCode('duplicate key value violates unique constraint', '23505'),
      withCode('relation "x" does not exist', '42P01'),
      new Error('secret internals'),
    ]) {
      expect(isDatabaseUnavailable(error), error.message).toBe(false);
      expect(toApiError(error), error.message).toBeUndefined();
    }
    const aborted = Object.assign(new Error('request aborted'), { code: 'ECONNABORTED', type: 'request.aborted' });
    expect(toApiError(aborted)?.status).toBe(400);
  });
});
