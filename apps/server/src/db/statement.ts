import type { AbstractSqlConnection } from '@mikro-orm/sql';
import { CompiledQuery } from 'kysely';
import type { Orm } from './orm.ts';

/**
 * Runs one SQL statement (`?` placeholders) on the ORM's pool, around its query layer: the
 * parameters are written into the text by the ORM's own platform (escaping as `em.execute`
 * does: the simple query protocol, which pglite-socket needs when it multiplexes connections
 * onto one session), but without `em.execute`'s wrapper, which formatted each statement again
 * for its log and was a fifth of a refresh's main-thread time (docs/performance.md, figure 8).
 * For the few statements every sign-in and refresh runs.
 *
 * @example
 * const rows = await runStatement<{ id: string }>(orm, 'select id from users where realm_id = ?', [realmId]);
 */
export async function runStatement<T>(orm: Orm, sql: string, params: readonly unknown[]): Promise<T[]> {
  const connection = orm.em.getConnection() as unknown as AbstractSqlConnection;
  const text = orm.em.getPlatform().formatQuery(sql, [...params]);
  const result = await connection.getClient().executeQuery<T>(CompiledQuery.raw(text));
  return result.rows;
}
