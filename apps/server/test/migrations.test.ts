import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/db/migrations/index.ts';
import { createOrm, MIGRATIONS_TABLE, migrate, type Orm } from '../src/db/orm.ts';
import { entities } from '../src/entities.ts';
import { type FreshDatabase, freshDatabase } from './support/fresh-database.ts';

let database: FreshDatabase;
const orms: Orm[] = [];

beforeAll(async () => {
  database = await freshDatabase('migrations');
});
afterAll(async () => {
  for (const orm of orms) await orm.close();
  await database?.drop();
});

async function orm(): Promise<Orm> {
  const created = await createOrm({ databaseUrl: database.url, entities, poolSize: 2 });
  orms.push(created);
  return created;
}

describe('migrations', () => {
  it('are serialised by an advisory lock: two instances migrating one fresh database at once both succeed, each migration runs once', async () => {
    const [first, second] = [await orm(), await orm()];
    // Without the lock both create MikroORM's tracking table or the first tables at once, and one fails.
    const [a, b] = await Promise.all([migrate(first), migrate(second)]);

    const names = migrations.map((migration) => migration.name);
    expect([...a, ...b].sort()).toEqual([...names].sort());
    expect([a.length, b.length].sort()).toEqual([0, names.length]);
    const rows: { name: string }[] = await first.em
      .getConnection()
      .execute(`select name from "${MIGRATIONS_TABLE}" order by id`);
    expect(rows.map((row) => row.name)).toEqual(names);
  });

  it('find nothing to do on a migrated database', async () => {
    expect(await migrate(await orm())).toEqual([]);
  });
});
