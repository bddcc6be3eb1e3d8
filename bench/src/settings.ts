import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** How long and how much: a full run for honest numbers, a tiny one that only proves the harness. */
export interface Settings {
  tiny: boolean;
  /** Load generator: warm-up, then measurement, in seconds. */
  warmupS: number;
  durationS: number;
  /** Raw signing and hashing baselines, in milliseconds. */
  rawMs: number;
  /** Users seeded into the big realm (figure 5). */
  users: number;
  /** Requests per query kind in figure 5 (one connection: latency, not queueing). */
  queryRequests: number;
  /** Cold starts to take the median of. */
  coldStarts: number;
  /** PostgreSQL server, without a database name. */
  pgBase: string;
  /** Prefix of the bench's databases (`<prefix>_run`, `<prefix>_users_<n>`). */
  dbPrefix: string;
  /** Where logs and profiles of this run go. */
  workDir: string;
  /** LOG_LEVEL for the server; `undefined` keeps its default. */
  logLevel: string | undefined;
}

export function settings(options: {
  tiny: boolean;
  users?: number;
  pgBase?: string;
  dbPrefix?: string;
  logLevel?: string;
}): Settings {
  const workDir = mkdtempSync(path.join(tmpdir(), 'realmkit-bench-'));
  const common = {
    pgBase: (options.pgBase ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, ''),
    dbPrefix: options.dbPrefix ?? process.env.BENCH_DB_PREFIX ?? 'realmkit_bench',
    workDir,
    logLevel: options.logLevel,
  };
  return options.tiny
    ? {
        tiny: true,
        warmupS: 0,
        durationS: 1,
        rawMs: 500,
        users: options.users ?? 10_000,
        queryRequests: 30,
        coldStarts: 1,
        ...common,
      }
    : {
        tiny: false,
        warmupS: 3,
        durationS: 10,
        rawMs: 5000,
        users: options.users ?? 1_000_000,
        queryRequests: 400,
        coldStarts: 3,
        ...common,
      };
}

/** Runs `sql` on the server's `postgres` database (creating and dropping databases). */
export async function adminSql(s: Settings, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${s.pgBase}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Whether database `name` exists. */
export async function databaseExists(s: Settings, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: `${s.pgBase}/postgres` });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

/** A database made empty for this run: dropped if it exists, then created. */
export async function freshDatabase(s: Settings, name: string): Promise<string> {
  await adminSql(s, `drop database if exists ${name} with (force)`);
  await adminSql(s, `create database ${name}`);
  return `${s.pgBase}/${name}`;
}
