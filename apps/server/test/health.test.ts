import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { ERROR_MESSAGES } from '@realmkit/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/db/migrations/index.ts';
import { MIGRATION_LOCK_KEY, MIGRATIONS_TABLE } from '../src/db/orm.ts';
import { errorCodeProblem } from './support/error-codes.ts';
import { type FreshDatabase, freshDatabase } from './support/fresh-database.ts';
import { waitFor } from './support/outbox-helpers.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('GET /healthz', () => {
  it('answers 200 while the process is up', async () => {
    const response = await server.call('GET', '/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz', () => {
  it('answers 200 when the database answers and every migration is applied', async () => {
    const response = await server.call('GET', '/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok', shutdown: 'ok' } });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  describe('on a database with a migration pending', () => {
    let database: FreshDatabase;
    let fresh: TestServer;
    const last = migrations.at(-1)?.name as string;
    const execute = (sql: string) => fresh.services.orm.em.getConnection().execute(sql, [last]);

    beforeAll(async () => {
      database = await freshDatabase('readyz');
      fresh = await startTestServer({ config: { databaseUrl: database.url, migrate: true } });
    });
    afterAll(async () => {
      await fresh?.close();
      await database?.drop();
    });

    it('answers 503 naming the pending migration, then 200 once it is applied, and keeps that answer', async () => {
      await execute(`delete from "${MIGRATIONS_TABLE}" where name = ?`);
      const pending = await fresh.call('GET', '/readyz');
      expect(pending.status).toBe(503);
      expect(pending.headers.get('retry-after')).toBe('5');
      expect(pending.body).toEqual({
        error: 'service_unavailable',
        message: 'Not ready: migrations',
        details: [{ path: 'migrations', message: `Pending migrations: ${last}` }],
      });

      await execute(`insert into "${MIGRATIONS_TABLE}" (name) values (?)`);
      expect((await fresh.call('GET', '/readyz')).status).toBe(200);

      // Once every migration was seen applied, readyz no longer reads the table (one `select 1` per probe).
      await execute(`delete from "${MIGRATIONS_TABLE}" where name = ?`);
      expect((await fresh.call('GET', '/readyz')).status).toBe(200);
    });

    it('answers 503 naming `shutdown` once a shutdown has begun', async () => {
      fresh.services.readiness.markShuttingDown();
      const response = await fresh.call('GET', '/readyz');
      expect(response.status).toBe(503);
      expect(response.body).toEqual({
        error: 'service_unavailable',
        message: 'Not ready: shutdown',
        details: [{ path: 'shutdown', message: 'This instance is shutting down' }],
      });
    });
  });
});

describe('while the server starts (its port bound, migrations not done yet)', () => {
  it('answers /healthz 200, /readyz 503 `startup`, every other route 503 with Retry-After; then serves', async () => {
    const database = await freshDatabase('starting');
    // A port nothing listens on (the server takes it a moment later).
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));

    // The migration lock held: the server's start waits at its migrations, port bound.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const starting = startTestServer({ config: { databaseUrl: database.url, migrate: true, port } });
    let server: TestServer | undefined;
    try {
      const url = `http://127.0.0.1:${port}`;
      const get = async (path: string) => {
        const response = await fetch(`${url}${path}`);
        return { status: response.status, headers: response.headers, body: await response.json() };
      };
      const alive = await waitFor('the port to be bound', () =>
        get('/healthz').then(
          (response) => response,
          () => undefined,
        ),
      );
      expect(alive).toMatchObject({ status: 200, body: { status: 'ok' } });

      const ready = await get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('5');
      expect(ready.body).toEqual({
        error: 'service_unavailable',
        message: 'Not ready: startup',
        details: [{ path: 'startup', message: ERROR_MESSAGES.starting }],
      });
      for (const path of ['/api/v1/realms', '/oauth2/master/token', '/console/master/']) {
        const answer = await get(path);
        expect(answer.status, path).toBe(503);
        expect(answer.headers.get('retry-after'), path).toBe('5');
        expect(answer.headers.get('content-type'), path).toBe('application/json; charset=utf-8');
        expect(answer.body, path).toEqual({ error: 'service_unavailable', message: ERROR_MESSAGES.starting });
        expect(errorCodeProblem(answer.status, answer.body), path).toBeUndefined();
      }

      await holder.query('commit');
      server = await starting;
      expect((await server.call('GET', '/readyz')).status).toBe(200);
      expect((await server.call('GET', '/api/v1/realms')).status).toBe(401);
    } finally {
      await holder.end();
      await (server ?? (await starting.catch(() => undefined)))?.close();
      await database.drop();
    }
  });
});
