import type { EntitySchema, Transaction } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { releaseDeadConnections } from './dead-connections.ts';
import { migrations } from './migrations/index.ts';

export interface OrmOptions {
  databaseUrl: string;
  entities: EntitySchema[];
  /** Connections in the pool; the embedded database serialises them anyway. */
  poolSize: number;
  /** Where the ORM's own messages (migrator progress) go. */
  log?: (message: string) => void;
}

export type Orm = MikroORM;

/** How long a request waits for a database connection before it fails (503). */
export const CONNECTION_TIMEOUT_MS = 10_000;

/** The table MikroORM records applied migrations in (its `migrations.tableName`). */
export const MIGRATIONS_TABLE = 'mikro_orm_migrations';

/** MikroORM on PostgreSQL (or PGlite behind pglite-socket): committed migrations, no schema sync. */
export async function createOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init({
    clientUrl: options.databaseUrl,
    entities: options.entities,
    extensions: [Migrator],
    migrations: {
      migrationsList: migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      tableName: MIGRATIONS_TABLE,
    },
    pool: { min: 0, max: options.poolSize },
    // A database that stops answering (a dropped route, a stuck failover) fails requests with 503
    // after this long instead of holding them: it bounds both connecting and waiting for a free
    // connection. Keep-alive probes notice dead connections that sit idle in the pool.
    driverOptions: {
      connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
      keepAlive: true,
      onPoolCreated: releaseDeadConnections,
    },
    forceUtcTimezone: true,
    allowGlobalContext: false,
    ensureDatabase: false,
    debug: false,
    logger: options.log ?? (() => {}),
  });
}

/**
 * The key of the PostgreSQL advisory lock that serialises migrations across instances: any
 * constant works as long as every Realmkit version uses the same one.
 */
export const MIGRATION_LOCK_KEY = 4_712_367_019;

/** MikroORM's own definition of its tracking table, created here under the lock. */
const CREATE_MIGRATIONS_TABLE = `create table if not exists "${MIGRATIONS_TABLE}" (
  "id" serial primary key,
  "name" varchar(255) not null,
  "executed_at" timestamptz(6) not null default current_timestamp(6)
)`;

/**
 * Applies pending migrations; returns their names. Several instances starting at once on one
 * database take turns: each step runs in a transaction that first takes a transaction-level
 * advisory lock (`pg_advisory_xact_lock`), so the second instance waits, then finds nothing to do.
 *
 * MikroORM checks for its tracking table and creates it outside any transaction (two instances
 * both create it, and one fails), so that table is created here first, under the lock. The
 * migrator is then initialised outside the locked transaction: it looks the database up on another
 * connection, which inside a transaction would wait forever on the embedded database (PGlite runs
 * one transaction at a time). The migrations themselves run in one locked transaction.
 */
export async function migrate(orm: Orm): Promise<string[]> {
  const connection = orm.em.getConnection();
  const lock = (trx: Transaction) =>
    connection.execute('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY], 'run', trx);
  await connection.transactional(async (trx) => {
    await lock(trx);
    await connection.execute(CREATE_MIGRATIONS_TABLE, [], 'run', trx);
  });
  await orm.migrator.getExecuted();
  const applied = await connection.transactional(async (trx) => {
    await lock(trx);
    return orm.migrator.up({ transaction: trx });
  });
  return applied.map((migration) => migration.name);
}
