import { DPOP_SCHEME, type PageMeta, takesIdempotencyKey } from '@realmkit/contract';
import type { AppRoute } from '@ts-rest/core';
import { APIPromise } from './api-promise.ts';
import type { DpopKey } from './dpop.ts';
import { AuthenticationError } from './errors.ts';
import { type HttpConfig, type HttpResponse, type RequestOptions, send } from './http.ts';
import { Page, type PageCursor, PagePromise } from './pagination.ts';
import { isRetrySafe } from './retry.ts';
import { routeUrl } from './routes.ts';

/** Where access tokens come from: a {@link ClientCredentials}, or anything with the same two methods. */
export interface TokenSource {
  getToken(options?: RequestOptions): Promise<string>;
  /** Forget `token`: the API refused it. */
  invalidate(token?: string): void;
  /** The token with its type, instead of {@link getToken}: a `DPoP` one goes with a proof of {@link dpop}. */
  getAccessToken?(options?: RequestOptions): Promise<{ accessToken: string; tokenType?: string }>;
  /** The key DPoP-bound tokens are bound to (RFC 9449). */
  readonly dpop?: DpopKey | undefined;
}

export interface RouteInput {
  params?: Record<string, string>;
  query?: object;
  body?: unknown;
}

/**
 * A random UUID. `crypto.randomUUID` exists only in secure contexts: a page served over plain
 * HTTP gets 32 random hex digits instead (any printable ASCII is a valid key).
 */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A 401 of RFC 9449 §7.1 about the proof, not the token. */
function isProofRefusal({ code }: AuthenticationError): boolean {
  return code === 'invalid_dpop_proof' || code === 'use_dpop_nonce';
}

/**
 * Sends contract routes: fills `{realm}`, adds the token (refreshed once on a 401; a DPoP-bound one
 * with a proof of its key), and an `Idempotency-Key` to every POST that takes one.
 */
export class ApiClient {
  readonly baseUrl: string;
  /** The realm `{realm}` in paths names. */
  readonly realm: string;
  readonly #http: HttpConfig;
  readonly #tokens: TokenSource;

  constructor(baseUrl: string, realm: string, http: HttpConfig, tokens: TokenSource) {
    this.baseUrl = baseUrl;
    this.realm = realm;
    this.#http = http;
    this.#tokens = tokens;
  }

  /** The same credentials, addressing another realm (master-realm tokens manage every realm). */
  withRealm(realm: string): ApiClient {
    return new ApiClient(this.baseUrl, realm, this.#http, this.#tokens);
  }

  async call(route: AppRoute, input: RouteInput, options: RequestOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    // Every POST the server keys (the contract says which) carries a key, one per call: the
    // retries below, the one after a 401 included, are then run once however many arrive.
    const idempotencyKey = options.idempotencyKey || (takesIdempotencyKey(route) ? newIdempotencyKey() : undefined);
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    if (options.ifMatch) headers['if-match'] = options.ifMatch;
    if (options.ifNoneMatch) headers['if-none-match'] = options.ifNoneMatch;
    const request = {
      method: route.method,
      url: routeUrl(this.baseUrl, route, { realm: this.realm, ...input.params }, input.query),
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
      retrySafe: isRetrySafe(route.method, Boolean(idempotencyKey), Boolean(options.ifMatch)),
    };
    const tokens = this.#tokens;
    for (let refreshed = false; ; refreshed = true) {
      const { accessToken: token, tokenType } = tokens.getAccessToken
        ? await tokens.getAccessToken(options)
        : { accessToken: await tokens.getToken(options) };
      // RFC 9449 §7.1: a DPoP token goes in the DPoP scheme, with a proof of the key and the token.
      const key = tokenType?.toLowerCase() === DPOP_SCHEME.toLowerCase() ? tokens.dpop : undefined;
      try {
        return await send(
          this.#http,
          {
            ...request,
            headers: { ...headers, authorization: `${key ? DPOP_SCHEME : 'Bearer'} ${token}` },
            dpop: key && { key, accessToken: token },
          },
          options,
        );
      } catch (error) {
        // A 401 means the request was not processed: refresh the token and send it once more. Not
        // for a refused proof: the token is fine, and a new one would meet the same refusal.
        if (refreshed || !(error instanceof AuthenticationError) || isProofRefusal(error)) throw error;
        tokens.invalidate(token);
      }
    }
  }

  /** The whole response body (routes that answer without a `{ data }` envelope). */
  body<T>(route: AppRoute, input: RouteInput, options?: RequestOptions): APIPromise<T> {
    return new APIPromise(this.call(route, input, options), (body) => body as T);
  }

  /** `data` of a `{ data }` response. */
  data<T>(route: AppRoute, input: RouteInput, options?: RequestOptions): APIPromise<T> {
    return new APIPromise(this.call(route, input, options), (body) => (body as { data: T }).data);
  }

  /** A route answering 204. */
  none(route: AppRoute, input: RouteInput, options?: RequestOptions): APIPromise<void> {
    return new APIPromise(this.call(route, input, options), () => undefined);
  }

  /**
   * A `{ data: [...], meta }` list, as a page that knows how to get the next. A list whose query
   * takes `after` (the contract's `CursorListQuery`) is iterated by keyset: see {@link Page}.
   */
  list<T, M extends PageMeta = PageMeta>(
    route: AppRoute,
    input: RouteInput & { query?: object },
    options?: RequestOptions,
  ): PagePromise<T, M> {
    const keyset = 'after' in ((route.query as { shape?: object } | undefined)?.shape ?? {});
    const fetchPage = async (cursor?: PageCursor): Promise<Page<T, M>> => {
      const query = { ...input.query, ...cursor };
      const body = (await this.call(route, { ...input, query }, options)).body as { data: T[]; meta: M };
      return new Page(body.data, body.meta, fetchPage, keyset);
    };
    return new PagePromise(fetchPage());
  }
}

/** Base of the resource classes (`rk.users`, `rk.roles`...). */
export abstract class APIResource {
  protected readonly client: ApiClient;

  constructor(client: ApiClient) {
    this.client = client;
  }
}
