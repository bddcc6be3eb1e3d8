import { DPOP_HEADER } from '@realmkit/contract';
import { asksForNonce, type DpopKey } from './dpop.ts';
import { APIConnectionError, APIError, APITimeoutError, APIUserAbortError } from './errors.ts';
import {
  backoffMs,
  isIdempotencyKeyInProgress,
  isRateLimited,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  retryAfterMs,
} from './retry.ts';

/** Per-call options, on every SDK method. */
export interface RequestOptions {
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
  /** Milliseconds per attempt before {@link APITimeoutError}; default: the client's `timeout`. */
  timeout?: number;
  /**
   * Retries after a network error, 408, 429 or 5xx (and a 409 `idempotency_key_in_progress`);
   * default: the client's `maxRetries`. A 429 with `Retry-After` is waited out beyond it, up to
   * 60 s of waiting in all; 0 turns every retry off.
   */
  maxRetries?: number;
  /**
   * Sent as `Idempotency-Key`: the server runs a POST once per key and answers its retries with
   * the first response (for 24 h). Every POST carries one already, a new UUID per call, the same
   * across its retries, so the SDK retries POSTs like GETs; pass your own to make a retry of the
   * whole call (after your process restarted, say) safe too. Given on a PATCH, the SDK retries it.
   */
  idempotencyKey?: string;
  /**
   * Sent as `If-Match`: the `ETag` you read (`response.etag` of `.withResponse()`), so that a
   * PATCH, PUT or DELETE changes the resource only if it is still in that state; otherwise it is a
   * `PreconditionFailedError` (412) and nothing changed. It also makes a PATCH safe to retry: a
   * retry whose first attempt went through meets the new tag and gets 412 too (read it again to
   * see your change), never overwriting a change made in between.
   *
   * @example
   * const { data: user, response } = await rk.users.get(id).withResponse();
   * try {
   *   await rk.users.update(user.id, { name: 'Jane Smith' }, { ifMatch: response.etag! });
   * } catch (e) {
   *   if (e instanceof PreconditionFailedError) console.log('changed meanwhile: read it again');
   * }
   */
  ifMatch?: string;
  /**
   * Sent as `If-None-Match`: on a GET, the `ETag` of the copy you hold. When it is still current
   * the server answers 304 without a body, thrown as a `NotModifiedError` (by `await` and by
   * `withResponse()` alike). On a write, a 412 when it matches.
   */
  ifNoneMatch?: string;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/** What every request shares: how to send, and how patient to be. */
export interface HttpConfig {
  fetch: typeof fetch;
  timeout: number;
  maxRetries: number;
  headers: Record<string, string>;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /**
   * The body; a function makes it anew for each attempt (a token request's client assertion: the
   * server accepts each `jti` once, so a retry needs a new one).
   */
  body?: string | (() => Promise<string>);
  /** May be sent again without a second effect (GET, PUT, DELETE, a PATCH with `If-Match`, or with an idempotency key). */
  retrySafe: boolean;
  /** Sends a DPoP proof of `key` (RFC 9449), with `ath` of `accessToken` when given: a new one per attempt. */
  dpop?: { key: DpopKey; accessToken?: string } | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError({ cause: signal.reason }));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError({ cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  if (!(response.headers.get('content-type') ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One attempt, bounded by `timeout` and the caller's signal. */
async function attempt(
  config: HttpConfig,
  request: HttpRequest & { body?: string },
  options: RequestOptions,
): Promise<HttpResponse> {
  const timeoutSignal = AbortSignal.timeout(options.timeout ?? config.timeout);
  const signal = options.signal ? AbortSignal.any([options.signal, timeoutSignal]) : timeoutSignal;
  // Called unbound: a browser's `fetch` called as a method of another object (`config.fetch(…)`)
  // throws "Illegal invocation".
  const fetchFn = config.fetch;
  try {
    const response = await fetchFn(request.url, {
      method: request.method,
      headers: { ...config.headers, ...request.headers, ...options.headers },
      body: request.body,
      signal,
    });
    return { status: response.status, headers: response.headers, body: await readBody(response) };
  } catch (error) {
    if (options.signal?.aborted) throw new APIUserAbortError({ cause: error });
    if (timeoutSignal.aborted) {
      throw new APITimeoutError(`No response from ${request.method} ${request.url} within the timeout`, {
        cause: error,
      });
    }
    throw new APIConnectionError(`Could not reach ${request.url}: ${(error as Error)?.message ?? error}`, {
      cause: error,
    });
  }
}

/**
 * Sends a request, retrying what is safe to retry (network errors, timeouts, 408, 429, 5xx, and
 * a 409 `idempotency_key_in_progress`) with exponential backoff and jitter, or after the server's
 * `Retry-After`, up to `maxRetries` times. A 429 (or a 503 `password_checks_busy`) with
 * `Retry-After` is retried as long as the waits add up to at most {@link MAX_RETRY_AFTER_MS}, past
 * `maxRetries` (unless that is 0: the caller handles every error). With `dpop`, each attempt
 * carries a new proof, and a refusal that asks for the server's DPoP nonce is sent again at once
 * with it, once, past `maxRetries`. Answers 2xx; throws an {@link APIError} subclass for anything else.
 */
export async function send(
  config: HttpConfig,
  request: HttpRequest,
  options: RequestOptions = {},
): Promise<HttpResponse> {
  const maxRetries = options.maxRetries ?? config.maxRetries;
  const { dpop } = request;
  let rateLimitedMs = 0;
  let nonceGiven = false;
  for (let retry = 0; ; ) {
    const canRetry = request.retrySafe && retry < maxRetries;
    let response: HttpResponse;
    // Outside the try: a body or proof that cannot be made is the caller's error, not the network's.
    const body = typeof request.body === 'function' ? await request.body() : request.body;
    const headers = dpop
      ? { ...request.headers, [DPOP_HEADER]: await dpop.key.proof(request.method, request.url, dpop.accessToken) }
      : request.headers;
    try {
      response = await attempt(config, { ...request, headers, body }, options);
    } catch (error) {
      if (!(error instanceof APIConnectionError) || !canRetry) throw error;
      await sleep(backoffMs(retry++), options.signal);
      continue;
    }
    dpop?.key.remember(request.url, response.headers);
    // A 304 (or a 3xx that `fetch` did not follow) has no result to read: NotModifiedError, APIError.
    if (response.status < 300) return response;
    // RFC 9449 §8, §9: the request was refused unread; the next proof carries the nonce.
    if (dpop && !nonceGiven && asksForNonce(response.status, response.headers, response.body)) {
      nonceGiven = true;
      continue;
    }
    const retryAfter = retryAfterMs(response.headers);
    if (isRateLimited(response.status, retryAfter, response.body) && maxRetries > 0) {
      rateLimitedMs += retryAfter;
      if (rateLimitedMs <= MAX_RETRY_AFTER_MS) {
        await sleep(retryAfter, options.signal);
        continue;
      }
    } else if (
      canRetry &&
      (isRetryableStatus(response.status) || isIdempotencyKeyInProgress(response.status, response.body))
    ) {
      const wait = retryAfter ?? backoffMs(retry);
      if (wait <= MAX_RETRY_AFTER_MS) {
        await sleep(wait, options.signal);
        retry++;
        continue;
      }
    }
    throw APIError.from(response.status, response.body, response.headers);
  }
}
