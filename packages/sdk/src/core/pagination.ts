import type { PageMeta } from '@realmkit/contract';

/**
 * One page of a list, with a way to the next. Iterating it with `for await` goes through the
 * items of this page and every page after it.
 *
 * @example
 * let page = await rk.users.list({ per_page: 50 });
 * while (page.hasNextPage()) page = await page.getNextPage();
 */
export class Page<T> implements AsyncIterable<T> {
  readonly data: T[];
  readonly meta: PageMeta;
  readonly #fetchPage: (page: number) => Promise<Page<T>>;

  constructor(data: T[], meta: PageMeta, fetchPage: (page: number) => Promise<Page<T>>) {
    this.data = data;
    this.meta = meta;
    this.#fetchPage = fetchPage;
  }

  /**
   * Whether items remain after this page.
   *
   * @example
   * const page = await rk.users.list();
   * if (page.hasNextPage()) console.log(`${page.meta.total - page.data.length} more`);
   */
  hasNextPage(): boolean {
    return this.data.length > 0 && this.meta.current_page * this.meta.per_page < this.meta.total;
  }

  /**
   * The following page.
   *
   * @example
   * const second = await (await rk.roles.list()).getNextPage();
   */
  getNextPage(): Promise<Page<T>> {
    if (!this.hasNextPage()) return Promise.reject(new RangeError('This is the last page'));
    return this.#fetchPage(this.meta.current_page + 1);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (let page: Page<T> = this; ; page = await page.getNextPage()) {
      yield* page.data;
      if (!page.hasNextPage()) return;
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
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  readonly #page: Promise<Page<T>>;

  constructor(page: Promise<Page<T>>) {
    this.#page = page;
  }

  // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, so that `await rk.users.list()` gives the page.
  then<R1 = Page<T>, R2 = never>(
    onFulfilled?: ((page: Page<T>) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#page.then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R> {
    return this.#page.catch(onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.#page;
  }
}
