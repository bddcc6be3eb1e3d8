import type { AbstractSqlConnection } from '@mikro-orm/sql';
import { CompiledQuery } from 'kysely';
import type { Orm } from './orm.ts';

/** `?` placeholders as PostgreSQL's `$1, $2…`, converted once per statement text. */
const numbered = new Map<string, string>();
const MAX_STATEMENTS = 500;

function numberedSql(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    if (numbered.size >= MAX_STATEMENTS) numbered.clear();
    numbered.set(sql, text);
  }
  return text;
}

/** Whether a `select version()` answer is PGlite's. */
export const isPglite = (version: string) => version.includes('PGlite');

/**
 * Whether the database takes bind parameters from several connections at once. PGlite behind
 * pglite-socket does not: it multiplexes every connection onto one session, and one connection's
 * Parse/Bind met another's (other requests failed with 500 while sign-ins ran). Asked once per ORM.
 */
const bindsParameters = new WeakMap<Orm, Promise<boolean>>();

function bindingOf(orm: Orm): Promise<boolean> {
  let binds = bindsParameters.get(orm);
  if (!binds) {
    const asked = orm.em.getConnection().execute('select version() as version', [], 'get') as Promise<{
      version: string;
    }>;
    binds = asked.then((row) => !isPglite(row.version));
    bindsParameters.set(orm, binds);
    binds.catch(() => bindsParameters.delete(orm));
  }
  return binds;
}

/**
 * Runs one SQL statement (`?` placeholders, and no `?` anywhere else) on the ORM's pool, around
 * its query layer: on PostgreSQL with bind parameters, on PGlite with the parameters written into
 * the text by the ORM's own platform (as `em.execute` always does). `em.execute` also wraps and
 * formats each statement again for its log; skipping both was a third of a refresh's server CPU
 * (docs/performance.md, figure 8). For the few statements every sign-in and refresh runs.
 *
 * @example
 * const rows = await runStatement<{ id: string }>(orm, 'select id from users where realm_id = ?', [realmId]);
 */
export async function runStatement<T>(orm: Orm, sql: string, params: readonly unknown[]): Promise<T[]> {
  const client = (orm.em.getConnection() as unknown as AbstractSqlConnection).getClient();
  return (await client.executeQuery<T>(await compiled(orm, sql, params))).rows;
}

async function compiled(orm: Orm, sql: string, params: readonly unknown[]) {
  return (await bindingOf(orm))
    ? CompiledQuery.raw(numberedSql(sql), [...params])
    : CompiledQuery.raw(orm.em.getPlatform().formatQuery(sql, [...params]));
}

/** Runs statements as {@link runStatement} does, on one connection. */
export type OnConnection = <T>(sql: string, params: readonly unknown[]) => Promise<T[]>;

/**
 * Runs `work` on one connection of the ORM's pool, held until `work` ends: for what lives in a
 * database session, as `pg_try_advisory_lock` does. Statements as {@link runStatement}.
 *
 * @example
 * await onOneConnection(orm, async (run) => { await run('select pg_try_advisory_lock(?)', [42]); });
 */
export async function onOneConnection<R>(orm: Orm, work: (run: OnConnection) => Promise<R>): Promise<R> {
  const client = (orm.em.getConnection() as unknown as AbstractSqlConnection).getClient();
  return client
    .connection()
    .execute((db) =>
      work(
        async <T>(sql: string, params: readonly unknown[]) =>
          (await db.executeQuery<T>(await compiled(orm, sql, params))).rows,
      ),
    );
}

/** The first row {@link runStatement} answers, or `undefined`. */
export async function firstRow<T>(orm: Orm, sql: string, params: readonly unknown[]): Promise<T | undefined> {
  return (await runStatement<T>(orm, sql, params))[0];
}
