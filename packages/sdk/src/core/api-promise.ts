import type { HttpResponse } from './http.ts';

/** The HTTP side of a result, from {@link APIPromise.withResponse}. */
export interface APIResponse {
  /** HTTP status (2xx: anything else is thrown as an {@link APIError}). */
  status: number;
  headers: Headers;
  /**
   * The resource's `ETag`, exactly as sent (quotes included): pass it back as `ifMatch` to write
   * only this version, or as `ifNoneMatch` to read it only if it changed. `null` when the
   * response has none (lists, 204s).
   */
  etag: string | null;
  /** The server's `X-Request-Id`, to quote when reporting a problem. */
  requestId: string | null;
}

/** What {@link APIPromise.withResponse} resolves to. */
export interface WithResponse<T> {
  data: T;
  response: APIResponse;
}

/**
 * What every method answering a single result returns (list methods return a `PagePromise`): a
 * `Promise` of the result, with {@link APIPromise.withResponse} for its status and headers.
 * The request is sent when the method is called, once, however the result is read.
 *
 * @example
 * const user = await rk.users.get(id);
 * const { data, response } = await rk.users.get(id).withResponse();
 */
export class APIPromise<T> extends Promise<T> {
  readonly #response: Promise<HttpResponse>;
  readonly #parse: (body: unknown) => T;
  #result: Promise<WithResponse<T>> | undefined;

  // Methods such as `then` build their promise with Promise, not with this constructor.
  static override get [Symbol.species]() {
    return Promise;
  }

  constructor(response: Promise<HttpResponse>, parse: (body: unknown) => T) {
    // The base promise is never read: `then`, `catch` and `finally` read `#response` instead.
    super((resolve) => resolve(undefined as T));
    this.#response = response;
    this.#parse = parse;
  }

  /**
   * The result with its HTTP response: status, headers, `etag` and `requestId`. Errors are
   * thrown as by a plain `await`, a 304 included (`NotModifiedError`), so `data` is always a `T`.
   *
   * @example
   * const { data: user, response } = await rk.users.get(id).withResponse();
   * await rk.users.update(user.id, { name: 'Jane Smith' }, { ifMatch: response.etag! });
   */
  withResponse(): Promise<WithResponse<T>> {
    this.#result ??= this.#response.then(({ status, headers, body }) => ({
      data: this.#parse(body),
      response: { status, headers, etag: headers.get('etag'), requestId: headers.get('x-request-id') },
    }));
    return this.#result;
  }

  // biome-ignore lint/suspicious/noThenProperty: a Promise subclass; `await` reads the parsed result through it.
  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.withResponse()
      .then((result) => result.data)
      .then(onFulfilled, onRejected);
  }

  override catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onRejected);
  }

  override finally(onFinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onFinally);
  }
}
