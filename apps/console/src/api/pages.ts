import type { CursorPageMeta, PageMeta } from '@realmkit/contract';
import type { Page, PagePromise } from '@realmkit/sdk';

/** A page of a list as queries keep it: plain data, not the SDK's Page (which holds a fetcher). */
export interface ListPage<T, M extends PageMeta = PageMeta> {
  data: T[];
  meta: M;
}

export async function listPage<T>(call: PagePromise<T>): Promise<ListPage<T>> {
  const page: Page<T> = await call;
  return { data: page.data, meta: page.meta };
}

/** A page of a keyset-paged list (`after`), whose meta carries `next_after`. */
export async function cursorPage<T>(call: PagePromise<T>): Promise<ListPage<T, CursorPageMeta>> {
  const page: Page<T> = await call;
  // The SDK types every page's meta as PageMeta; keyset lists answer CursorPageMeta (the contract's).
  return { data: page.data, meta: page.meta as CursorPageMeta };
}
