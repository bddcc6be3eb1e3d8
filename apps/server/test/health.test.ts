import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/db/migrations/index.ts';
import { MIGRATIONS_TABLE } from '../src/db/orm.ts';
import { type FreshDatabase, freshDatabase } from './support/fresh-database.ts';
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
