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

describe('the client settings migration', () => {
  it("gives applications made before it their type's grants and authentication method", async () => {
    const older = await freshDatabase('migrations-client-metadata');
    const before = await createOrm({ databaseUrl: older.url, entities, poolSize: 2 });
    try {
      await before.migrator.up({ to: 'Migration20261128100000ConcurrencyControl' });
      const sql = before.em.getConnection();
      const realmId = '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20';
      await sql.execute(`insert into realms (id, name) values ('${realmId}', 'older')`);
      for (const [index, type] of ['spa', 'native', 'traditional', 'm2m'].entries()) {
        await sql.execute(
          `insert into applications (id, realm_id, name, type, client_id)
             values ('0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d2${index + 1}', '${realmId}', '${type}', '${type}', 'client-${type}')`,
        );
      }
      await before.migrator.up({ to: 'Migration20261206000000ClientMetadata' });
      const rows: { type: string; grant_types: string[]; token_endpoint_auth_method: string }[] = await sql.execute(
        'select type, grant_types, token_endpoint_auth_method from applications order by id',
      );
      expect(rows).toEqual([
        { type: 'spa', grant_types: [], token_endpoint_auth_method: 'none' },
        { type: 'native', grant_types: [], token_endpoint_auth_method: 'none' },
        { type: 'traditional', grant_types: [], token_endpoint_auth_method: 'client_secret_basic' },
        { type: 'm2m', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' },
      ]);
    } finally {
      await before.close();
      await older.drop();
    }
  });
});
