import type { EntityDictionary, EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CursorListQuery, CursorPageMeta, ListQuery, PageMeta } from '@realmkit/contract';

export type PageQuery = Pick<ListQuery, 'page' | 'per_page'>;

/** One page of a list and its `meta`. */
export interface Page<T> {
  items: T[];
  meta: PageMeta;
}

/** `limit`/`offset` for a 1-based page. */
export function pageWindow(query: PageQuery): { limit: number; offset: number } {
  return { limit: query.per_page, offset: (query.page - 1) * query.per_page };
}

export function pageMeta(query: PageQuery, total: number): PageMeta {
  return { current_page: query.page, per_page: query.per_page, total };
}

/** A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** A filter matching `search` case-insensitively in any of `fields`; nothing when there is no search. */
export function searchFilter<K extends string>(
  search: string | undefined,
  fields: readonly K[],
): { $or?: Partial<Record<K, { $ilike: string }>>[] } {
  if (!search) return {};
  const pattern = containsPattern(search);
  return { $or: fields.map((field) => ({ [field]: { $ilike: pattern } }) as Partial<Record<K, { $ilike: string }>>) };
}

/**
 * One page: `find` gets the page's `limit`/`offset` and answers rows and total count, as
 * MikroORM's `findAndCount` does.
 *
 * @example
 * paged(query, (window) => em.findAndCount(RoleEntity, { realmId }, { orderBy: { name: 'asc' }, ...window }));
 */
export async function paged<T>(
  query: PageQuery,
  find: (window: { limit: number; offset: number }) => Promise<[T[], number]>,
): Promise<Page<T>> {
  const [items, total] = await find(pageWindow(query));
  return { items, meta: pageMeta(query, total) };
}

/** A page query that may also carry a keyset cursor (`after`). */
export type CursorPageQuery = PageQuery & Pick<CursorListQuery, 'after'>;

/** One page of a list that pages by keyset too: `meta.next_after` says where the next one starts. */
export interface CursorPage<T> {
  items: T[];
  meta: CursorPageMeta;
}

/** Where a newest-first list reads: the rows of one realm, and those matching `search` in any of `searchIn`. */
export interface RealmListFilter<T> {
  realmId: string;
  /** Matched as {@link searchFilter} does: anywhere, case-insensitively, `%`, `_` and `\` literal. */
  search?: string | undefined;
  searchIn: readonly (keyof T & string)[];
}

/** An entity's table and the column of each property, quoted: what the statements below are written with. */
function tableOf(em: EntityManager, entity: EntityName<object>) {
  const meta = em.getMetadata().get(entity);
  const properties = meta.properties as Record<string, { fieldNames?: string[] } | undefined>;
  const column = (property: string) => {
    const name = properties[property]?.fieldNames?.[0];
    if (!name) throw new Error(`${meta.className} has no ${property} column`);
    return `"${name}"`;
  };
  return { meta, table: `"${meta.tableName}"`, column };
}

/** `filter` (and the `after` cursor) as a `where` clause with `?` placeholders, and their values. */
function whereOf<T>(
  column: (property: string) => string,
  filter: RealmListFilter<T>,
  after?: string,
): { sql: string; params: unknown[] } {
  let sql = `${column('realmId')} = ?`;
  const params: unknown[] = [filter.realmId];
  if (filter.search) {
    const pattern = containsPattern(filter.search);
    sql += ` and (${filter.searchIn.map((property) => `${column(property)} ilike ?`).join(' or ')})`;
    for (const _ of filter.searchIn) params.push(pattern);
  }
  if (after !== undefined) {
    sql += ` and ${column('id')} < ?`;
    params.push(after);
  }
  return { sql, params };
}

/**
 * One page of a newest-first list (`ORDER BY id DESC`; ids are time-ordered) of a big table,
 * with the techniques that keep page 10,000 of a million rows cheap (docs/performance.md):
 *
 * - a deferred join: the page's ids come first from an index on the filter and `id` (an
 *   index-only scan that skips `offset` entries without reading a row), then only those rows
 *   are read by primary key, in the same statement;
 * - a keyset cursor: with `after`, only ids below it, so the depth costs nothing at all;
 * - one id beyond the page tells whether another follows (`next_after`), no count needed;
 * - `total` comes from `count`, run alongside, which the caller may answer from a maintained
 *   count when there is no filter ({@link countInRealm} otherwise).
 *
 * The statement is written here, and its rows come back as plain objects of the entity's
 * properties, not managed by `em`: a list page is only presented, and MikroORM's query building
 * and entity hydration (each row merged into the identity map) were most of the server's time
 * for the first page of 20 users (docs/performance.md, figure 4).
 */
export async function newestFirstPage<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  filter: RealmListFilter<T>,
  query: CursorPageQuery,
  count: () => Promise<number>,
): Promise<CursorPage<T>> {
  const { limit, offset } = pageWindow(query);
  const { meta, table, column } = tableOf(em, entity as EntityName<object>);
  const where = whereOf(column, filter, query.after);
  const id = column('id');
  const sql =
    `select * from ${table} where ${id} in ` +
    `(select ${id} from ${table} where ${where.sql} order by ${id} desc limit ? offset ?) order by ${id} desc`;
  const [rows, total] = await Promise.all([
    em.execute<EntityDictionary<T>[]>(sql, [...where.params, limit + 1, offset]),
    count(),
  ]);
  const driver = em.getDriver();
  const items = rows.slice(0, limit).map((row) => driver.mapResult(row, meta) as unknown as T);
  const last = items.at(-1);
  return {
    items,
    meta: { ...pageMeta(query, total), next_after: rows.length > limit && last ? last.id : null },
  };
}

/** How many rows of the realm match `filter`: the `total` of a filtered {@link newestFirstPage}. */
export async function countInRealm<T>(
  em: EntityManager,
  entity: EntityName<T>,
  filter: RealmListFilter<T>,
): Promise<number> {
  const { table, column } = tableOf(em, entity as EntityName<object>);
  const where = whereOf(column, filter);
  const [row] = await em.execute<{ total: string | number }[]>(
    `select count(*) as total from ${table} where ${where.sql}`,
    where.params,
  );
  return Number(row?.total ?? 0);
}
