import type { ListQuery, PageMeta } from '@realmkit/contract';

/** `limit`/`offset` for a 1-based page. */
export function pageWindow(query: Pick<ListQuery, 'page' | 'per_page'>): { limit: number; offset: number } {
  return { limit: query.per_page, offset: (query.page - 1) * query.per_page };
}

export function pageMeta(query: Pick<ListQuery, 'page' | 'per_page'>, total: number): PageMeta {
  return { current_page: query.page, per_page: query.per_page, total };
}

/** A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
