/** Statuses worth another attempt: timeouts, rate limits and server-side failures. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export const INITIAL_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 8_000;
/**
 * The longest one call waits as the server asks (`Retry-After`): a longer wait is not waited for,
 * the error goes to the caller. It also bounds all of a call's waits on 429s together, since
 * those are retried past `maxRetries` (see {@link isRateLimited}).
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Whether a request may be sent twice without a second effect. A PATCH with `If-Match` may: the
 * server checks the tag and writes under the row's lock, and every write moves the tag, so a
 * retry whose first attempt went through (its answer lost) gets 412 and changes nothing; it
 * can never overwrite what someone else wrote in between (a lost update). Not a POST with
 * `If-Match`: most POSTs ignore the header, and would run twice.
 */
export function isRetrySafe(method: string, hasIdempotencyKey: boolean, hasIfMatch = false): boolean {
  const upper = method.toUpperCase();
  return hasIdempotencyKey || IDEMPOTENT_METHODS.has(upper) || (hasIfMatch && upper === 'PATCH');
}

/**
 * A 429 (or a 503 `password_checks_busy`) that says when to come back: the server refused the
 * request before running it (any method, with or without a key), and a retry after `Retry-After` is what it asks for. Such
 * retries do not use up `maxRetries`: a busy client waits its turn (up to
 * {@link MAX_RETRY_AFTER_MS} in all) instead of failing on the third 429 of a burst.
 */
export function isRateLimited(status: number, retryAfter: number | undefined, body?: unknown): retryAfter is number {
  // `Retry-After: 0` bounds nothing: such a 429 is retried as a 503 would be, within `maxRetries`.
  return (status === 429 || isPasswordChecksBusy(status, body)) && retryAfter !== undefined && retryAfter > 0;
}

/**
 * A 503 `password_checks_busy`: the server had as many password checks waiting as it takes, and
 * refused this one before it ran (nothing hashed, nothing written), as a 429 is refused.
 */
function isPasswordChecksBusy(status: number, body: unknown): boolean {
  return status === 503 && (body as { error?: unknown } | null)?.error === 'password_checks_busy';
}

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * A 409 `idempotency_key_in_progress`: the first request with this `Idempotency-Key` is still
 * running on the server (this attempt's predecessor timed out, say). Waiting and sending it again
 * gets that request's response, so it is retried like a 503.
 */
export function isIdempotencyKeyInProgress(status: number, body: unknown): boolean {
  return status === 409 && (body as { error?: unknown } | null)?.error === 'idempotency_key_in_progress';
}

/**
 * How long the server asked to wait, in ms: `Retry-After` as seconds or an HTTP date (RFC 9110
 * §10.2.3), or `retry-after-ms`. `undefined` when absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date ends in GMT (RFC 9110 §5.6.7); Date.parse alone would read "1.5" as a year.
  if (!/ GMT$/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter: ~0.5 s, 1 s, 2 s... up to 8 s, each reduced by up to 25%. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** attempt, MAX_RETRY_DELAY_MS);
  return base * (1 - 0.25 * random());
}
