import type { EntityName, FilterQuery } from '@mikro-orm/core';
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
 *   count when there is no filter.
 */
export async function newestFirstPage<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  query: CursorPageQuery,
  count: () => Promise<number>,
): Promise<CursorPage<T>> {
  const { limit, offset } = pageWindow(query);
  const filter = query.after === undefined ? where : { $and: [where, { id: { $lt: query.after } }] };
  // (`never`: the builder's generics cannot follow a filter on a generic entity; `find` checks it.)
  const ids = em
    .createQueryBuilder(entity)
    .select('id' as never)
    .where(filter as never)
    .orderBy({ id: 'desc' } as never)
    .limit(limit + 1)
    .offset(offset);
  const [rows, total] = await Promise.all([
    em.find(entity, { id: { $in: ids } } as FilterQuery<T>, { orderBy: { id: 'desc' } as never }),
    count(),
  ]);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    meta: { ...pageMeta(query, total), next_after: rows.length > limit && last ? last.id : null },
  };
}

/**
 * Below this many characters a `LIKE` pattern holds no trigram: the trigram indexes cannot narrow
 * it, and a sequential scan is the planner's best choice.
 */
const TRIGRAM_LENGTH = 3;

/**
 * The ids of one page of a substring search over a big table, newest first, and the exact total,
 * from one scan of the matches (`matches`: a `select id ...` with `?` placeholders for `params`).
 *
 * Left to itself, the planner answers "the newest 21 matches" by walking the id index backwards
 * and filtering, expecting a match every few thousand rows: the selectivity of `ILIKE '%…%'` is
 * never estimated below 0.01 % (1,000 rows of 10 million), so a term that matches one user walked
 * all 10 million rows (15 s), and it counted a family name (100,000 matches, estimated 400,000)
 * with a sequential scan (7 s). Here the matches are collected once from the trigram indexes (a
 * materialized CTE has no ORDER BY or LIMIT to tempt it; sequential scans are priced out for this
 * transaction when the term has a trigram), then counted and the page taken from them: the cost
 * follows the number of matches, not the size of the table (docs/performance.md, figure 5).
 */
export async function searchPageIds(
  em: EntityManager,
  search: string,
  matches: string,
  params: readonly unknown[],
  query: CursorPageQuery,
): Promise<{ ids: string[]; total: number; more: boolean }> {
  const { limit, offset } = pageWindow(query);
  const [row] = await em.transactional(async (tx) => {
    if (search.length >= TRIGRAM_LENGTH) await tx.execute('set local enable_seqscan = off');
    return tx.execute<{ total: string; ids: string[] }[]>(
      `with matches as materialized (${matches})
       select (select count(*) from matches) as total,
              array(select id from matches ${query.after === undefined ? '' : 'where id < ?'}
                    order by id desc limit ? offset ?) as ids`,
      [...params, ...(query.after === undefined ? [] : [query.after]), limit + 1, offset],
    );
  });
  const ids = row?.ids ?? [];
  return { ids: ids.slice(0, limit), total: Number(row?.total ?? 0), more: ids.length > limit };
}
