import type { AppRoute } from '@ts-rest/core';
import { z } from 'zod';
import { IDEMPOTENCY_KEY_LEASE_SECONDS, IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_TTL_HOURS } from './limits.ts';
import type { RouteMetadata } from './metadata.ts';

/**
 * The request headers of conditional requests (RFC 9110 §13: `If-Match`, `If-None-Match`) and of
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header), which routes declare by their
 * method and metadata (see `withMiddleware`). The server honours them in
 * `apps/server/src/http/conditional-requests.ts` and `apps/server/src/idempotency/`, which parse
 * them itself: ts-rest validates these schemas too, so they accept every value, and the limits
 * the server enforces are documentation (`meta`) only.
 *
 * Keys are lowercase, as Node and ts-rest hand headers to the server; the OpenAPI document writes
 * them in their usual case.
 */

const ENTITY_TAG_EXAMPLE = '"kW7d1Oq5gkq0q7B1yH5bXw"';

/** `If-None-Match` on a GET: 304 when it matches. */
export const IfNoneMatchOnRead = z
  .string()
  .optional()
  .meta({
    description:
      'The `ETag`s you hold (or `*`): 304 without a body when one matches the current `ETag` ' +
      '(weak comparison, RFC 9110 §13.1.2).',
    example: ENTITY_TAG_EXAMPLE,
  });

/** `If-Match` on a conditional write: 412 unless it matches. */
export const IfMatch = z
  .string()
  .optional()
  .meta({
    description:
      'The `ETag` you last read (or a list of them, or `*`): the write happens only if the resource is still ' +
      'in that state, else 412 `precondition_failed` and nothing changes. Strong comparison (RFC 9110 §13.1.1); ' +
      'the check and the write are atomic.',
    example: ENTITY_TAG_EXAMPLE,
  });

/** `If-None-Match` on a conditional write: 412 when it matches. */
export const IfNoneMatchOnWrite = z
  .string()
  .optional()
  .meta({ description: '412 `precondition_failed` when one of these `ETag`s (or `*`) matches the current one.' });

/** `Idempotency-Key` on a POST: a retry with the same key answers the first response again. */
export const IdempotencyKey = z
  .string()
  .optional()
  .meta({
    description:
      `Makes the POST safe to retry: 1..${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters (a UUID is a good one), as a token or a ` +
      `quoted string. A retry with the same key and body (same client, same path) within ${IDEMPOTENCY_KEY_TTL_HOURS} h answers the first ` +
      'response again, with `Idempotent-Replayed: true`, and does nothing else. The same key with another body: ' +
      '422 `idempotency_key_reused`; while the first request is still running: 409 `idempotency_key_in_progress`. ' +
      'Requests refused before they run (400, 401, 403, 413, 415, 429), a failed `If-Match` (412) and server ' +
      'errors (5xx) are not kept. If the server running the first request dies before recording its answer, ' +
      `retries get 409 for up to ${IDEMPOTENCY_KEY_LEASE_SECONDS} s, then the request runs again.`,
    example: '8e03978e-40d5-43e8-bc93-6894a57f9324',
    // The key's length once unquoted: the header itself may be 2 characters longer.
    minLength: 1,
    maxLength: IDEMPOTENCY_KEY_MAX_LENGTH,
  });

/** Writes that replace or remove the resource, and so take `If-Match`. */
const CONDITIONAL_WRITES: ReadonlySet<string> = new Set(['PATCH', 'PUT', 'DELETE']);

/**
 * A write of a resource with an `ETag` (`metadata.etag`), which honours `If-Match` and
 * `If-None-Match` (412): its PATCH, PUT and DELETE, and a POST acting on it (`metadata.action`).
 */
export function isConditionalWrite(route: Pick<AppRoute, 'method' | 'metadata'>): boolean {
  const metadata = route.metadata as RouteMetadata | undefined;
  if (!metadata?.etag) return false;
  return CONDITIONAL_WRITES.has(route.method) || (route.method === 'POST' && Boolean(metadata.action));
}

/** POSTs of the Management API and the users API by realm name (the token endpoint is not one). */
export function takesIdempotencyKey(route: Pick<AppRoute, 'method' | 'metadata'>): boolean {
  return route.method === 'POST' && Boolean((route.metadata as RouteMetadata | undefined)?.scope);
}
