import type { AppRoute } from '@ts-rest/core';
import type { HeaderObject, HeadersObject, ResponseObject } from 'openapi3-ts/oas31';
import { API_ERRORS, type ApiErrorCode, ERROR_CODES } from '../common/errors.ts';
import type { RouteMetadata } from '../common/metadata.ts';

/**
 * What the document says about conditional requests (RFC 9110 §13: `ETag`, `If-Match`,
 * `If-None-Match`, 304, 412) and `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header)
 * in the responses of each operation: what the request headers the route declares
 * (`common/concurrency.ts`, `withMiddleware`) bring, and the `ETag`s of its resource.
 */

const STRING = { type: 'string' } as const;

/** Whether the route declares the request header `name` (lowercase, as ts-rest's `headers` keys are). */
export function declaresHeader(route: AppRoute, name: string): boolean {
  const headers = route.headers;
  return typeof headers === 'object' && headers !== null && Object.hasOwn(headers, name);
}

/** A write honouring `If-Match`. */
function isConditionalWrite(route: AppRoute): boolean {
  return declaresHeader(route, 'if-match');
}

function takesIdempotencyKey(route: AppRoute): boolean {
  return declaresHeader(route, 'idempotency-key');
}

/** A POST that acts on an existing resource (`metadata.action`), not one that creates a resource. */
function isAction(route: AppRoute, metadata: RouteMetadata): boolean {
  return Boolean(metadata.etag && metadata.action) && route.method === 'POST';
}

/** `` `idempotency_key_reused`: this `Idempotency-Key` was used... ``: a code and what it means. */
function codeNote(code: ApiErrorCode): string {
  const { description } = API_ERRORS[code];
  return `\`${code}\`: ${description.charAt(0).toLowerCase()}${description.slice(1)}`;
}

/** What the error statuses mean on this operation, beyond their usual meaning; `undefined` when nothing. */
export function concurrencyErrorNote(route: AppRoute, status: number): string | undefined {
  if (status === 412 && isConditionalWrite(route)) {
    return (
      `\`${ERROR_CODES[412]}\`: \`If-Match\` does not match the current \`ETag\` (the resource changed since you read ` +
      'it), or `If-None-Match` does. Nothing was changed: GET it again, reapply your change, retry with the new `ETag`.'
    );
  }
  if (!takesIdempotencyKey(route)) return undefined;
  if (status === 409) return codeNote('idempotency_key_in_progress');
  if (status === 422) return codeNote('idempotency_key_reused');
  return undefined;
}

/** 304 for every GET that takes `If-None-Match`: single resources carry a strong `ETag`, other documents a weak one. */
export function notModifiedResponse(route: AppRoute, metadata: RouteMetadata): ResponseObject | undefined {
  if (route.method !== 'GET' || !declaresHeader(route, 'if-none-match')) return undefined;
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
  if (takesIdempotencyKey(route)) {
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
