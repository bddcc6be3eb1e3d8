import pg from 'pg';
import { expect, it } from 'vitest';
import { EMBEDDED_SHARED_BUFFERS, startEmbeddedDatabase } from '../src/db/embedded-database.ts';

// The embedded database itself, whatever DATABASE_URL says: a server without it runs on one.

it('runs PostgreSQL with a 16 MB buffer cache, not the 128 MB default (decision 0016)', async () => {
  const database = await startEmbeddedDatabase({ dataDir: undefined, maxConnections: 2 });
  const client = new pg.Client({ connectionString: database.url });
  try {
    await client.connect();
    const { rows } = await client.query('show shared_buffers');
    expect(rows).toEqual([{ shared_buffers: '16MB' }]);
    expect(EMBEDDED_SHARED_BUFFERS).toBe('16MB');
  } finally {
    await client.end();
    await database.stop();
  }
});
