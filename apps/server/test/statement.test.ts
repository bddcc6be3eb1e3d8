import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStatement } from '../src/db/statement.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * db/statement.ts on the run's database, PGlite or PostgreSQL: many statements at once, beside
 * the ORM's own, each answering its own parameters. On PGlite behind pglite-socket, bound
 * parameters from several connections met on its one session and crossed (other requests got 500s
 * while sign-ins ran): there the parameters must go in the text.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('runStatement', () => {
  it("answers each of 60 concurrent statements with its own parameters, beside the ORM's transactions", async () => {
    const orm = server.services.orm;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0
          ? runStatement<{ n: number; s: string }>(orm, 'select ?::int as n, ?::text as s', [i, `it's ${i}`])
          : // A transaction of the ORM's own, as every write is: two statements that must stay together.
            orm.em.fork().transactional(async (em) => {
              await em.execute('select pg_sleep(0.001)');
              return em.execute<{ n: number; s: string }[]>('select ?::int as n, ?::text as s', [i, `it's ${i}`]);
            }),
      ),
    );
    results.forEach((rows, i) => {
      expect(rows).toEqual([{ n: i, s: `it's ${i}` }]);
    });
  });
});
