import type { CursorPageMeta, PageMeta } from '@realmkit/contract';

/**
 * Which page to fetch, merged into the list's query: by number, or by keyset (the first page
 * after the item `after`; `page: undefined` drops a `page` of the query, which would count from it).
 */
export type PageCursor = { page: number } | { page: undefined; after: string };

/**
 * One page of a list, with a way to the next. Iterating it with `for await` goes through the
 * items of this page and every page after it.
 *
 * Two ways to the next page. `getNextPage()` asks for the next page by number (`page` + 1), for
 * those who show numbered pages. `for await` goes by keyset on a list that takes `after` (its
 * `meta.next_after` names the last item of the page, and the next request asks for the items
 * after it; the users list does): a user created meanwhile does not shift the pages, so every
 * item is yielded once, and item 1,000,000 costs the server what item 1 does. On the other
 * lists, `for await` goes by number too. To page by keyset yourself, pass
 * `{ after: page.meta.next_after }` to the list method.
 *
 * @example
 * let page = await rk.users.list({ per_page: 50 });
 * while (page.hasNextPage()) page = await page.getNextPage();
 */
export class Page<T, M extends PageMeta = PageMeta> implements AsyncIterable<T> {
  readonly data: T[];
  readonly meta: M;
  readonly #fetchPage: (cursor: PageCursor) => Promise<Page<T, M>>;
  readonly #keyset: boolean;

  /** `keyset`: the list takes `after`, so iteration follows `meta.next_after`. */
  constructor(data: T[], meta: M, fetchPage: (cursor: PageCursor) => Promise<Page<T, M>>, keyset = false) {
    this.data = data;
    this.meta = meta;
    this.#fetchPage = fetchPage;
    this.#keyset = keyset;
  }

  /**
   * Whether items remain after this page: `meta.next_after` says so exactly where the list has
   * it, else the count does.
   *
   * @example
   * const page = await rk.users.list();
   * if (page.hasNextPage()) console.log(`${page.meta.total - page.data.length} more`);
   */
  hasNextPage(): boolean {
    const { next_after: nextAfter } = this.meta as Partial<CursorPageMeta>;
    if (nextAfter !== undefined) return nextAfter !== null;
    return this.data.length > 0 && this.meta.current_page * this.meta.per_page < this.meta.total;
  }

  /**
   * The following page, by number: `page` + 1 (counted from `after` when the query has one).
   *
   * @example
   * const second = await (await rk.roles.list()).getNextPage();
   */
  getNextPage(): Promise<Page<T, M>> {
    if (!this.hasNextPage()) return Promise.reject(new RangeError('This is the last page'));
    return this.#fetchPage({ page: this.meta.current_page + 1 });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (let page: Page<T, M> = this; ; ) {
      yield* page.data;
      if (!page.hasNextPage()) return;
      const after = (page.meta as Partial<CursorPageMeta>).next_after;
      page = await (page.#keyset && after ? page.#fetchPage({ page: undefined, after }) : page.getNextPage());
    }
  }
}

/**
 * What list methods return: await it for the first {@link Page}, or iterate it with
 * `for await` for every item across pages.
 *
 * @example
 * for await (const user of rk.users.list({ search: 'jane' })) console.log(user.email);
 */
export class PagePromise<T, M extends PageMeta = PageMeta> implements PromiseLike<Page<T, M>>, AsyncIterable<T> {
  readonly #page: Promise<Page<T, M>>;

  constructor(page: Promise<Page<T, M>>) {
    this.#page = page;
  }

  // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, so that `await rk.users.list()` gives the page.
  then<R1 = Page<T, M>, R2 = never>(
    onFulfilled?: ((page: Page<T, M>) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#page.then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T, M> | R> {
    return this.#page.catch(onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.#page;
  }
}
