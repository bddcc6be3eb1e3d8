import type { EntityDictionary, EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CursorListQuery, CursorPageMeta, ListQuery, PageMeta } from '@realmkit/contract';
import { tableOf } from './table-of.ts';

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
 * Below this many characters a `LIKE` pattern holds no trigram: the trigram indexes cannot narrow
 * it, and a sequential scan is the planner's best choice.
 */
const TRIGRAM_LENGTH = 3;

/**
 * One page of a newest-first list (`ORDER BY id DESC`; ids are time-ordered) of a big table,
 * with the techniques that keep page 10,000 of ten million rows cheap (docs/performance.md):
 *
 * - a deferred join: the page's ids come first from an index on the filter and `id` (an
 *   index-only scan that skips `offset` entries without reading a row), then only those rows
 *   are read by primary key, in the same statement;
 * - a keyset cursor: with `after`, only ids below it, so the depth costs nothing at all;
 * - one id beyond the page tells whether another follows (`next_after`), no count needed;
 * - without a search, `total` comes from `count`, run alongside, which the caller may answer from
 *   a maintained count; with one, from the search itself ({@link searchedPage}).
 *
 * The statements are written here, and the rows come back as plain objects of the entity's
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
  const id = column('id');
  let rows: EntityDictionary<T>[];
  let total: number;
  let more: boolean;
  if (filter.search) {
    const page = await searchedPage(em, filter.search, table, id, whereOf(column, filter), query);
    ({ total, more } = page);
    rows =
      page.ids.length === 0
        ? []
        : await em.execute<EntityDictionary<T>[]>(
            `select * from ${table} where ${id} in (${page.ids.map(() => '?').join(', ')}) order by ${id} desc`,
            page.ids,
          );
  } else {
    const where = whereOf(column, filter, query.after);
    const sql =
      `select * from ${table} where ${id} in ` +
      `(select ${id} from ${table} where ${where.sql} order by ${id} desc limit ? offset ?) order by ${id} desc`;
    let found: EntityDictionary<T>[];
    [found, total] = await Promise.all([
      em.execute<EntityDictionary<T>[]>(sql, [...where.params, limit + 1, offset]),
      count(),
    ]);
    rows = found.slice(0, limit);
    more = found.length > limit;
  }
  const driver = em.getDriver();
  const items = rows.map((row) => driver.mapResult(row, meta) as unknown as T);
  const last = items.at(-1);
  return { items, meta: { ...pageMeta(query, total), next_after: more && last ? last.id : null } };
}

/**
 * The ids of one page of a substring search, newest first, and the exact total, from one scan of
 * the matches of `matching` (the realm and the search, not the cursor: `total` counts every match).
 *
 * Left to itself, the planner answers "the newest 21 matches" by walking the id index backwards
 * and filtering, expecting a match every few thousand rows: the selectivity of `ILIKE '%…%'` is
 * never estimated below 0.01 % (1,000 rows of 10 million), so a term that matches one user walked
 * all 10 million rows (15 s), and it counted a family name (100,000 matches, estimated 400,000)
 * with a sequential scan (7 s). Here the matches are collected once from the trigram indexes (a
 * materialized CTE has no ORDER BY or LIMIT to tempt it; sequential scans are priced out for this
 * transaction when the term has a trigram), then counted and the page taken from them: the cost
 * follows the number of matches, not the size of the table (decision 0034).
 */
async function searchedPage(
  em: EntityManager,
  search: string,
  table: string,
  id: string,
  matching: { sql: string; params: unknown[] },
  query: CursorPageQuery,
): Promise<{ ids: string[]; total: number; more: boolean }> {
  const { limit, offset } = pageWindow(query);
  const [row] = await em.transactional(async (tx) => {
    // `SET LOCAL`, both in one round trip. JIT off too: a common term's plan (100,000 matches at
    // 10M users) is costed past PostgreSQL's JIT threshold, and compiling it took 5 ms of a
    // 134 ms search, more than it saved.
    await tx.execute("select set_config('enable_seqscan', ?, true), set_config('jit', 'off', true)", [
      search.length >= TRIGRAM_LENGTH ? 'off' : 'on',
    ]);
    return tx.execute<{ total: string; ids: string[] }[]>(
      `with matches as materialized (select ${id} from ${table} where ${matching.sql})
       select (select count(*) from matches) as total,
              array(select ${id} from matches ${query.after === undefined ? '' : `where ${id} < ?`}
                    order by ${id} desc limit ? offset ?) as ids`,
      [...matching.params, ...(query.after === undefined ? [] : [query.after]), limit + 1, offset],
    );
  });
  const ids = row?.ids ?? [];
  return { ids: ids.slice(0, limit), total: Number(row?.total ?? 0), more: ids.length > limit };
}
