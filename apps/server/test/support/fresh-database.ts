import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedDatabase } from '../../src/db/embedded-database.ts';

/** An empty database of a test's own, and how to get rid of it. */
export interface FreshDatabase {
  /** A `postgres://` URL (the embedded database is served on a loopback port too). */
  readonly url: string;
  readonly embedded: boolean;
  drop(): Promise<void>;
}

/**
 * An empty database for tests that must not share the run's database (a fresh migration, a
 * database cut off by a fault): with DATABASE_URL, a new database on that PostgreSQL server,
 * dropped afterwards; otherwise an in-memory PGlite of its own.
 */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedDatabase({ dataDir: undefined, maxConnections: 32 });
    return { url: embedded.url, embedded: true, drop: () => embedded.stop() };
  }
  const url = new URL(serverUrl);
  const name = `${url.pathname.slice(1)}_${prefix}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `create database "${name}"`);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    embedded: false,
    drop: () => adminQuery(serverUrl, `drop database if exists "${name}" with (force)`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
