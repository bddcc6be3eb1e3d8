import type { AppRoute } from '@ts-rest/core';
import type { HeaderObject, HeadersObject, ParameterObject, ResponseObject } from 'openapi3-ts/oas31';
import type { ErrorStatus } from '../common/errors.ts';
import { IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_TTL_HOURS } from '../common/limits.ts';
import type { RouteMetadata } from '../common/metadata.ts';

/**
 * What the document says about conditional requests (RFC 9110 §13: `ETag`, `If-Match`,
 * `If-None-Match`, 304, 412) and `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header)
 * on each operation, derived from the route's method and metadata. The server honours them in
 * `apps/server/src/http/conditional-requests.ts` and `apps/server/src/idempotency/`.
 */

const STRING = { type: 'string' } as const;

/** Writes that replace or remove the resource, and so take `If-Match`. */
const CONDITIONAL_WRITES = new Set(['PATCH', 'PUT', 'DELETE']);

/** A POST that acts on an existing resource (`metadata.action`), not one that creates a resource. */
function isAction(route: AppRoute, metadata: RouteMetadata): boolean {
  return Boolean(metadata.etag && metadata.action) && route.method === 'POST';
}

function isConditionalWrite(route: AppRoute, metadata: RouteMetadata): boolean {
  return Boolean(metadata.etag) && (CONDITIONAL_WRITES.has(route.method) || isAction(route, metadata));
}

/** POSTs of the Management API and the users API by realm name (the token endpoint is not one). */
export function takesIdempotencyKey(route: AppRoute, metadata: RouteMetadata): boolean {
  return route.method === 'POST' && Boolean(metadata.scope);
}

/** The request headers an operation honours. */
export function concurrencyParameters(route: AppRoute, metadata: RouteMetadata): ParameterObject[] {
  const parameters: ParameterObject[] = [];
  if (route.method === 'GET') {
    parameters.push({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description:
        'The `ETag`s you hold (or `*`): 304 without a body when one matches the current `ETag` ' +
        '(weak comparison, RFC 9110 §13.1.2).',
      schema: STRING,
      example: '"kW7d1Oq5gkq0q7B1yH5bXw"',
    });
  }
  if (isConditionalWrite(route, metadata)) {
    parameters.push(
      {
        name: 'If-Match',
        in: 'header',
        required: false,
        description:
          'The `ETag` you last read (or a list of them, or `*`): the write happens only if the resource is still ' +
          'in that state, else 412 `precondition_failed` and nothing changes. Strong comparison (RFC 9110 §13.1.1); ' +
          'the check and the write are atomic.',
        schema: STRING,
        example: '"kW7d1Oq5gkq0q7B1yH5bXw"',
      },
      {
        name: 'If-None-Match',
        in: 'header',
        required: false,
        description: '412 `precondition_failed` when one of these `ETag`s (or `*`) matches the current one.',
        schema: STRING,
      },
    );
  }
  if (takesIdempotencyKey(route, metadata)) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        `Makes the POST safe to retry: 1..${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters (a UUID is a good one), as a token or a ` +
        `quoted string. A retry with the same key and body (same client, same path) within ${IDEMPOTENCY_KEY_TTL_HOURS} h answers the first ` +
        'response again, with `Idempotent-Replayed: true`, and does nothing else. The same key with another body: ' +
        '422 `idempotency_key_reused`; while the first request is still running: 409 `idempotency_key_in_progress`. ' +
        'Requests refused before they run (400, 401, 403, 413, 415, 429), a failed `If-Match` (412) and server ' +
        'errors (5xx) are not kept.',
      schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH },
      example: '8e03978e-40d5-43e8-bc93-6894a57f9324',
    });
  }
  return parameters;
}

/** Error statuses the operation can answer because of these headers, besides the ones its route declares. */
export function concurrencyErrorStatuses(route: AppRoute, metadata: RouteMetadata): ErrorStatus[] {
  return [
    ...(takesIdempotencyKey(route, metadata) ? ([409, 422] as const) : []),
    ...(isConditionalWrite(route, metadata) ? ([412] as const) : []),
  ];
}

/** What the error statuses mean on this operation, beyond their usual meaning; `undefined` when nothing. */
export function concurrencyErrorNote(route: AppRoute, metadata: RouteMetadata, status: number): string | undefined {
  if (status === 412 && isConditionalWrite(route, metadata)) {
    return (
      '`precondition_failed`: `If-Match` does not match the current `ETag` (the resource changed since you read ' +
      'it), or `If-None-Match` does. Nothing was changed: GET it again, reapply your change, retry with the new `ETag`.'
    );
  }
  if (!takesIdempotencyKey(route, metadata)) return undefined;
  if (status === 409) {
    return (
      '`idempotency_key_in_progress`: a request with this `Idempotency-Key` is still being processed; retry after ' +
      '`Retry-After`.'
    );
  }
  if (status === 422)
    return '`idempotency_key_reused`: this `Idempotency-Key` was used with another request body or path.';
  return undefined;
}

/** 304 for every GET: single resources carry a strong `ETag`, other documents a weak one. */
export function notModifiedResponse(route: AppRoute, metadata: RouteMetadata): ResponseObject | undefined {
  if (route.method !== 'GET') return undefined;
  return {
    description: 'Not Modified: `If-None-Match` matches the current `ETag`. No body.',
    headers: { ETag: etagHeader(metadata) },
  };
}

function etagHeader(metadata: RouteMetadata): HeaderObject {
  return {
    schema: STRING,
    description: metadata.etag
      ? "Strong entity tag of the resource's current version: send it back in `If-Match` to write only that " +
        'version, or in `If-None-Match` to read it only if it changed.'
      : 'Weak entity tag of this response body, for `If-None-Match`.',
  };
}

/** Error statuses of an operation that ran, and so are kept for an `Idempotency-Key` like its successes. */
const STORED_ERRORS = new Set([404, 409, 422]);

/** Response headers that these mechanisms add to a status of the operation. */
export function concurrencyResponseHeaders(route: AppRoute, metadata: RouteMetadata, status: number): HeadersObject {
  const headers: HeadersObject = {};
  const success = status >= 200 && status < 300;
  if (route.method === 'GET' && status === 200) headers.ETag = etagHeader(metadata);
  if (metadata.etag && route.method !== 'GET' && success && route.method !== 'DELETE') {
    headers.ETag = {
      schema: STRING,
      description: isAction(route, metadata)
        ? 'Strong entity tag, after this action, of the resource it acts on: the one its GET now gives.'
        : route.method === 'POST' && status === 201
          ? 'Strong entity tag of the created resource.'
          : 'Strong entity tag of the resource after this change.',
    };
  }
  if (takesIdempotencyKey(route, metadata)) {
    if (success || STORED_ERRORS.has(status)) {
      headers['Idempotent-Replayed'] = {
        schema: { type: 'string', enum: ['true'] },
        description:
          'Present when this is the kept response of an earlier request with the same `Idempotency-Key`, answered again.',
      };
    }
    if (status === 409) {
      headers['Retry-After'] = {
        schema: { type: 'integer' },
        description: 'With `idempotency_key_in_progress`: seconds to wait before retrying.',
      };
    }
  }
  return headers;
}
