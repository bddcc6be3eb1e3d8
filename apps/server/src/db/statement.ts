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

/**
 * Runs one SQL statement (`?` placeholders, no `?` anywhere else) with bind parameters, on the
 * ORM's pool but around its query layer: `em.execute` writes every parameter into the SQL text
 * first (and formats it again for its log), which was a fifth of a refresh's main-thread time
 * (docs/performance.md, figure 8). For the few statements every sign-in and refresh runs.
 *
 * @example
 * const rows = await runStatement<{ id: string }>(orm, 'select id from users where realm_id = ?', [realmId]);
 */
export async function runStatement<T>(orm: Orm, sql: string, params: readonly unknown[]): Promise<T[]> {
  const connection = orm.em.getConnection() as unknown as AbstractSqlConnection;
  const result = await connection.getClient().executeQuery<T>(CompiledQuery.raw(numberedSql(sql), [...params]));
  return result.rows;
}
