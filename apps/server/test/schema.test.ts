import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm, migrate, type Orm } from '../src/db/orm.ts';
import { entities } from '../src/entities.ts';
import { type FreshDatabase, freshDatabase } from './support/fresh-database.ts';

/**
 * The entities and the hand-written migrations describe one schema twice. These tests check that
 * they agree, on a database of their own that only the migrations have touched.
 */

let database: FreshDatabase;
let orm: Orm;

beforeAll(async () => {
  database = await freshDatabase('schema');
  orm = await createOrm({ databaseUrl: database.url, entities, poolSize: 2 });
  await migrate(orm);
});
afterAll(async () => {
  await orm?.close();
  await database?.drop();
});

/*
 * What the migrations create and the entities deliberately leave out, each written as what
 * MikroORM's diff proposes to remove. Nothing else may differ, and every entry must still be
 * needed: the test fails on a statement that is not listed, and on an entry that no longer shows.
 */

/** Tables that only raw SQL reads and writes (client assertions' and DPoP proofs' jtis, idempotency store, trigger-kept user counts, sessions' applications, settings). */
const UNMAPPED_TABLES = [
  'client_assertion_jtis',
  'dpop_proof_jtis',
  'idempotency_keys',
  'realm_user_counts',
  'session_applications',
  'system_settings',
];

/**
 * Foreign keys, by table and column: the entities map references as plain uuid columns, not
 * relations (the keys are checked at commit, and the ORM neither loads nor orders writes by them),
 * and MikroORM declares a foreign key only on a relation.
 */
const FOREIGN_KEYS: Record<string, string[]> = {
  applications: ['realm_id'],
  federated_credentials: ['application_id', 'realm_id'],
  authorization_codes: ['application_id', 'realm_id', 'user_id'],
  application_roles: ['application_id', 'realm_id', 'role_id'],
  email_verifications: ['realm_id', 'user_id'],
  password_resets: ['realm_id', 'user_id'],
  outbox_events: ['realm_id'],
  refresh_tokens: ['application_id', 'realm_id', 'user_id'],
  revoked_access_tokens: ['realm_id'],
  resources: ['realm_id'],
  resource_scopes: ['realm_id', 'resource_id'],
  roles: ['realm_id'],
  role_scopes: ['realm_id', 'role_id', 'scope_id'],
  sessions: ['realm_id', 'user_id'],
  signing_keys: ['realm_id'],
  users: ['realm_id'],
  user_identities: ['realm_id', 'user_id'],
  user_roles: ['realm_id', 'role_id', 'user_id'],
};

/**
 * Hand-written triggers, by table. They call shared functions (`realmkit_next_version`,
 * `realm_user_counts_add`, `realm_user_counts_subtract`), while MikroORM models a trigger as a
 * function of its own named `<table>_<trigger>_fn` (hence the `drop function` of one that does not
 * exist). The version triggers are checked below.
 */
const TRIGGERS: Record<string, string[]> = {
  applications: ['applications_next_version'],
  realms: ['realms_next_version'],
  resources: ['resources_next_version'],
  resource_scopes: ['resource_scopes_next_version'],
  roles: ['roles_next_version'],
  users: ['users_count_delete', 'users_count_insert', 'users_next_version'],
};

/**
 * Indexes that entity metadata cannot describe: on expressions (`lower(email)`, and
 * `lower(username)` for the users that have one), which MikroORM compares by name only, and
 * trigram GIN indexes, whose operator class (`gin_trgm_ops`) it neither declares nor compares.
 */
const SQL_ONLY_INDEXES = [
  'realms_name_trgm',
  'users_email_trgm',
  'users_name_trgm',
  'users_realm_email_unique',
  'users_realm_username_unique',
  'users_username_trgm',
];

/**
 * MikroORM 7.2.1 misreads `(realm_id, created_at desc, id desc)`: it looks each column's sort
 * order up by an unanchored name, finds `id` inside `realm_id`, and so proposes to recreate the
 * index with the `id desc` that it already has. The entity declares it as the migration does.
 */
const MISREAD_BY_MIKRO_ORM = [
  'drop index "audit_logs_realm_time"',
  'create index "audit_logs_realm_time" on "audit_logs" ("realm_id", "created_at" DESC, "id" DESC)',
];

const ALLOWED_DIFFERENCES = [
  ...UNMAPPED_TABLES.map((table) => `drop table if exists "${table}" cascade`),
  ...Object.entries(FOREIGN_KEYS).flatMap(([table, columns]) =>
    columns.map((column) => `alter table "${table}" drop constraint "${table}_${column}_fkey"`),
  ),
  ...Object.entries(TRIGGERS).flatMap(([table, triggers]) =>
    triggers.flatMap((trigger) => [
      `drop trigger if exists "${trigger}" on "${table}"`,
      `drop function if exists "${table}_${trigger}_fn"()`,
    ]),
  ),
  ...SQL_ONLY_INDEXES.map((index) => `drop index "${index}"`),
  ...MISREAD_BY_MIKRO_ORM,
];

/** The statements that would make the database match the entities, without `;`. */
async function schemaDiff(): Promise<string[]> {
  const sql = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
  return sql
    .split(/;\s*\n/)
    .map((statement) => statement.trim())
    .filter(Boolean);
}

describe('entities and migrations', () => {
  it('agree: after every migration, the schema diff against the entities holds only the allowed differences', async () => {
    const diff = await schemaDiff();
    expect(
      diff.filter((statement) => !ALLOWED_DIFFERENCES.includes(statement)),
      'what MikroORM would change to make the database match the entities: fix the entity, or add a migration',
    ).toEqual([]);
    expect(
      ALLOWED_DIFFERENCES.filter((statement) => !diff.includes(statement)),
      'allowed differences that no longer show: remove them from the list',
    ).toEqual([]);
  });
});

/** `tgtype` bits (PostgreSQL's trigger.h): a row-level trigger that runs before an update. */
const ROW_BEFORE_UPDATE = 1 | 2 | 16;
const INSTEAD_OF = 64;

/**
 * The tables of `schema` with a `version` column, and whether each has a BEFORE UPDATE FOR EACH ROW
 * trigger that calls `realmkit_next_version` and fires in ordinary sessions (without it, an update keeps
 * the version and so the ETag: If-Match stops protecting the row).
 */
async function versionedTables(schema: string): Promise<{ table: string; counted: boolean }[]> {
  const rows = await orm.em.getConnection().execute<{ table: string; counted: boolean }[]>(
    `select c.relname as "table", exists (
        select 1 from pg_trigger t join pg_proc f on f.oid = t.tgfoid
        where t.tgrelid = c.oid and f.proname = 'realmkit_next_version' and not t.tgisinternal
          and t.tgenabled in ('O', 'A') and t.tgtype & ${ROW_BEFORE_UPDATE} = ${ROW_BEFORE_UPDATE}
          and t.tgtype & ${INSTEAD_OF} = 0
      ) as counted
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'version' and a.attnum > 0 and not a.attisdropped
      where n.nspname = ? and c.relkind in ('r', 'p')
      order by c.relname`,
    [schema],
  );
  return rows.map((row) => ({ table: row.table, counted: row.counted }));
}

const uncounted = (tables: { table: string; counted: boolean }[]) =>
  tables.filter((table) => !table.counted).map((table) => table.table);

describe('row versions', () => {
  it('every table with a version column has the realmkit_next_version trigger', async () => {
    const tables = await versionedTables('public');
    const versionedEntities = [...orm.getMetadata().getAll().values()]
      .filter((meta) => meta.properties.version)
      .map((meta) => meta.tableName);
    expect(versionedEntities.length).toBeGreaterThan(0);
    expect(tables.map((table) => table.table)).toEqual(expect.arrayContaining(versionedEntities));
    expect(
      uncounted(tables),
      'tables whose version an update leaves alone: create their realmkit_next_version trigger in a migration',
    ).toEqual([]);
  });

  it('the check finds a versioned table whose trigger is missing, disabled or runs at the wrong time', async () => {
    const connection = orm.em.getConnection();
    const fixture = 'row_version_fixture';
    const table = (name: string, columns = 'id uuid primary key, version integer not null default 1') =>
      connection.execute(`create table ${fixture}.${name} (${columns})`);
    const trigger = (name: string, when: string) =>
      connection.execute(
        `create trigger ${name}_next_version ${when} on ${fixture}.${name} for each row execute function realmkit_next_version()`,
      );
    await connection.execute(`create schema ${fixture}`);
    try {
      await table('counted');
      await trigger('counted', 'before update');
      await table('forgotten');
      await table('disabled');
      await trigger('disabled', 'before update');
      await connection.execute(`alter table ${fixture}.disabled disable trigger disabled_next_version`);
      await table('too_late');
      await trigger('too_late', 'after update');
      await table('on_insert_only');
      await trigger('on_insert_only', 'before insert');
      await table('unversioned', 'id uuid primary key');

      const tables = await versionedTables(fixture);
      expect(tables.map((t) => t.table)).toEqual(['counted', 'disabled', 'forgotten', 'on_insert_only', 'too_late']);
      expect(uncounted(tables)).toEqual(['disabled', 'forgotten', 'on_insert_only', 'too_late']);
    } finally {
      await connection.execute(`drop schema ${fixture} cascade`);
    }
  });
});
