import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretKey } from '../src/crypto/secret-key.ts';
import { migrations } from '../src/db/migrations/index.ts';
import { createOrm, MIGRATIONS_TABLE, migrate, type Orm } from '../src/db/orm.ts';
import { KEEP_ROW_VERSION } from '../src/db/row-version.ts';
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

describe('the secret keyring migration', () => {
  it('records the key the database was set up with on every client-secret hash and fingerprint made before it', async () => {
    const older = await freshDatabase('migrations-keyring');
    const before = await createOrm({ databaseUrl: older.url, entities, poolSize: 2 });
    try {
      await before.migrator.up({ to: 'Migration20261209000000ClientKeys' });
      const sql = before.em.getConnection();
      const key = SecretKey.generate();
      const realmId = '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d30';
      await sql.execute(
        `insert into system_settings (key, value) values ('secret_key_fingerprint', '${key.fingerprint}')`,
      );
      await sql.execute(`insert into realms (id, name) values ('${realmId}', 'older')`);
      await sql.execute(
        `insert into applications (id, realm_id, name, type, client_id, client_secret_hash, previous_client_secret_hash,
           grant_types, token_endpoint_auth_method)
         values ('0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d31', '${realmId}', 'a', 'm2m', 'with-secret', 'h', 'p',
                 '{client_credentials}', 'client_secret_basic'),
                ('0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d32', '${realmId}', 'b', 'spa', 'public', null, null, '{}', 'none')`,
      );
      await sql.execute(
        `insert into idempotency_keys (realm_id, client_id, key, fingerprint, expires_at)
         values ('${realmId}', 'with-secret', 'k', 'f', now() + interval '1 day')`,
      );
      await before.migrator.up({ to: 'Migration20261210000000SecretKeyring' });
      expect(
        await sql.execute(
          'select client_id, client_secret_key_id, previous_client_secret_key_id from applications order by id',
        ),
      ).toEqual([
        { client_id: 'with-secret', client_secret_key_id: key.id, previous_client_secret_key_id: key.id },
        { client_id: 'public', client_secret_key_id: null, previous_client_secret_key_id: null },
      ]);
      expect(await sql.execute('select fingerprint_key_id from idempotency_keys')).toEqual([
        { fingerprint_key_id: key.id },
      ]);

      // The row version moves on every change, but for those made under KEEP_ROW_VERSION.
      const version = async () =>
        (
          (await sql.execute("select version from applications where client_id = 'with-secret'")) as {
            version: number;
          }[]
        )[0]?.version;
      const start = await version();
      await sql.execute("update applications set name = 'renamed' where client_id = 'with-secret'");
      expect(await version()).toBe((start ?? 0) + 1);
      await before.em.fork().transactional(async (em) => {
        await em.execute(KEEP_ROW_VERSION);
        await em.execute("update applications set client_secret_hash = 'h2' where client_id = 'with-secret'");
      });
      expect(await version()).toBe((start ?? 0) + 1);
      await sql.execute("update applications set name = 'again' where client_id = 'with-secret'");
      expect(await version()).toBe((start ?? 0) + 2);
    } finally {
      await before.close();
      await older.drop();
    }
  });
});
