import type { ListQuery, PageMeta } from '@realmkit/contract';

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
