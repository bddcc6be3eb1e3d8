import type { Page } from '../db/pagination.ts';

/** `{ data, meta }`, the body of every v1 list. */
export function listBody<T, B>(page: Page<T>, present: (item: T) => B): { data: B[]; meta: Page<T>['meta'] } {
  return { data: page.items.map(present), meta: page.meta };
}
