import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from './support/fresh-database.ts';
import { waitFor } from './support/outbox-helpers.ts';
import { runRealmkit, spawnRealmkit } from './support/realmkit-process.ts';

// \`realmkit start\`'s very first start, on this run's database (the embedded one, or PostgreSQL
// with DATABASE_URL): apart from cli.test.ts, whose commands run on embedded databases of their
// own whatever the run's, so that it runs once (vitest.config.ts).

describe('realmkit start: a port in use on the very first start (issue 23, item 9)', () => {
  it('exits 3 with one line naming the port and PORT, having written nothing; the next start prints the secrets', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'realmkit-first-port-'));
    const database = process.env.DATABASE_URL ? await freshDatabase('firstport') : undefined;
    const env = { REALMKIT_DATA_DIR: dataDir, ...(database ? { DATABASE_URL: database.url } : {}) };
    // Taken on every address, as the server binds.
    const busy = createServer().listen(0);
    await new Promise((resolve) => busy.once('listening', resolve));
    const { port } = busy.address() as AddressInfo;
    let server: ReturnType<typeof spawnRealmkit> | undefined;
    try {
      const refused = await runRealmkit(['start'], { ...env, PORT: String(port) });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toBe(`realmkit start: port ${port} is in use: set PORT to a free port\n`);
      expect(refused.stdout).not.toContain('client_secret');
      // Nothing was written: no database, no key file; on PostgreSQL, not one table.
      expect(await readdir(dataDir)).toEqual([]);
      if (database) {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        const tables = await client.query(
          "select table_name from information_schema.tables where table_schema = 'public'",
        );
        await client.end();
        expect(tables.rows).toEqual([]);
      }

      // The same first start on a free port: the secrets, once, and they work.
      server = spawnRealmkit(['start'], { ...env, PORT: '0' });
      const started = server;
      const listening = await waitFor(
        'the server to listen',
        () => /"port":(\d+)[^\n]*Realmkit listening/.exec(started.stdout())?.[1],
        30_000,
      );
      expect(started.stdout()).toContain('================ Realmkit first start ================');
      const clientId = /client_id: +(\S+)/.exec(started.stdout())?.[1] as string;
      const clientSecret = /client_secret: +(\S+)/.exec(started.stdout())?.[1] as string;
      const token = await fetch(`http://127.0.0.1:${listening}/oauth2/master/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
        }),
      });
      expect(token.status).toBe(200);
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
    } finally {
      server?.child.kill('SIGKILL');
      busy.close();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
