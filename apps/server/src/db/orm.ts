import type { EntitySchema } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
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
      tableName: 'mikro_orm_migrations',
    },
    pool: { min: 0, max: options.poolSize },
    forceUtcTimezone: true,
    allowGlobalContext: false,
    ensureDatabase: false,
    debug: false,
    logger: options.log ?? (() => {}),
  });
}

/** Applies pending migrations; returns their names. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}
