import { z } from 'zod';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from './limits.ts';
import { Id } from './primitives.ts';

/** The pages of every v1 list: 1-based `page`, `per_page` 1..{@link MAX_PER_PAGE}. */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).meta({ description: '1-based page number.' }),
  per_page: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PER_PAGE)
    .default(DEFAULT_PER_PAGE)
    .meta({ description: `Items per page, 1..${MAX_PER_PAGE}.` }),
});

/** Query of every v1 list: its pages and a free-text `search`. */
export const ListQuery = PageQuery.extend({
  search: z.string().max(200).optional().meta({ description: 'Case-insensitive substring match.' }),
});
export type ListQuery = z.infer<typeof ListQuery>;

export const PageMeta = z
  .object({
    current_page: z.number().int(),
    per_page: z.number().int(),
    total: z.number().int().meta({ description: 'Items matching the query, on every page.' }),
  })
  .meta({ id: 'PageMeta' });
export type PageMeta = z.infer<typeof PageMeta>;

/** `{ data: [...], meta }`, the shape of every v1 list. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), meta: PageMeta });
}

/**
 * A list that also pages by keyset: `after` (an id from `meta.next_after`) starts the list after
 * that item, so deep pages cost as little as the first. `page` then counts from there.
 */
export const CursorListQuery = ListQuery.extend({
  after: Id.optional().meta({
    description:
      "Start after this item (the previous page's `meta.next_after`): a keyset cursor, as cheap on page 10,000 " +
      'as on page 1. `page` then counts from it; `total` still counts every item matching the query.',
  }),
});
export type CursorListQuery = z.infer<typeof CursorListQuery>;

export const CursorPageMeta = PageMeta.extend({
  next_after: Id.nullable().meta({
    description: "The last item's id when another page follows (send it as `after`), otherwise null.",
  }),
}).meta({ id: 'CursorPageMeta' });
export type CursorPageMeta = z.infer<typeof CursorPageMeta>;

/** `{ data: [...], meta }` with `meta.next_after`, for lists that take `after`. */
export function cursorListOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), meta: CursorPageMeta });
}

/** `{ data: {...} }`, the shape of every v1 single resource. */
export function single<T extends z.ZodType>(item: T) {
  return z.object({ data: item });
}
