import { z } from 'zod';
import { MAX_BODY_SIZE } from './limits.ts';

/** One error code of the API: the HTTP status it answers with, and what it means. */
export interface ApiErrorEntry {
  readonly status: number;
  readonly description: string;
}

/**
 * Every error code the API answers with in `{ error, message, details? }` (the OAuth endpoints
 * answer RFC 6749 errors instead: `OAUTH_ERRORS`), with its status and what it means. The
 * server's error classes take their codes from here, `Error.error` in the OpenAPI document is an
 * enum of them, and the server's tests fail on a response whose code is not listed here.
 */
export const API_ERRORS = {
  invalid_request: {
    status: 400,
    description:
      'The request is malformed: a path parameter, query parameter or body field is invalid (`details` names each), or the body is not valid JSON.',
  },
  invalid_token: {
    status: 401,
    description: 'The bearer token is missing, invalid or expired, or was issued for another realm.',
  },
  invalid_dpop_proof: {
    status: 401,
    description:
      'A DPoP-bound token (RFC 9449 §7) came without a valid proof: none, or one for another method, URL, token or key, ' +
      'too old, or already used; or a bound token was sent as `Bearer`.',
  },
  use_dpop_nonce: {
    status: 401,
    description: 'Send the DPoP proof again with the nonce the `DPoP-Nonce` response header gives (RFC 9449 §9).',
  },
  insufficient_scope: { status: 403, description: 'The token lacks the scope this operation requires.' },
  not_found: { status: 404, description: 'The realm, or an item the request names, does not exist in it.' },
  conflict: {
    status: 409,
    description: 'Conflicts with the current state: a unique field is taken, or the change is already made.',
  },
  idempotency_key_in_progress: {
    status: 409,
    description: 'A request with this `Idempotency-Key` is still being processed; retry after `Retry-After`.',
  },
  precondition_failed: {
    status: 412,
    description: 'A precondition of the request (`If-Match`, `If-None-Match`) does not hold.',
  },
  request_timeout: {
    status: 408,
    description:
      'The request was not sent in time: its headers, or all of it, arrived too slowly (answered before any route).',
  },
  payload_too_large: { status: 413, description: `The request body is larger than ${MAX_BODY_SIZE}.` },
  unsupported_media_type: { status: 415, description: 'The request body is not `application/json`.' },
  validation_failed: {
    status: 422,
    description:
      'Well-formed, but breaks a rule of this operation (see its description); `details` says where when it can.',
  },
  invalid_credentials: {
    status: 422,
    description: "The password is not the user's, or the user has none (verifying a password).",
  },
  read_only: {
    status: 422,
    description: 'The built-in Management API resource, and its scopes, cannot be changed or deleted.',
  },
  idempotency_key_reused: {
    status: 422,
    description: 'This `Idempotency-Key` was used with another request body or path.',
  },
  rate_limited: {
    status: 429,
    description: 'Too many requests: retry after the delay that `Retry-After` gives, in seconds.',
  },
  request_header_fields_too_large: {
    status: 431,
    description:
      "The request's URL and headers together are larger than the server reads (answered before any route): shorten the URL or the headers.",
  },
  internal_error: {
    status: 500,
    description: 'An unexpected failure on the server; the message carries the request id to report.',
  },
  service_unavailable: {
    status: 503,
    description:
      'The database is unreachable (`/readyz`: this instance is not ready): retry after the delay that `Retry-After` gives, in seconds.',
  },
  password_checks_busy: {
    status: 503,
    description:
      'This instance has as many password hashes and checks running and waiting as it takes (creating a user with a password, setting, verifying or signing in with one): retry after the delay that `Retry-After` gives, in seconds.',
  },
} as const satisfies Readonly<Record<string, ApiErrorEntry>>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** The statuses the API answers errors with. */
export type ErrorStatus = (typeof API_ERRORS)[ApiErrorCode]['status'];

/** The codes that answer with `status`. */
export type ApiErrorCodeOf<S extends ErrorStatus> = {
  [C in ApiErrorCode]: (typeof API_ERRORS)[C]['status'] extends S ? C : never;
}[ApiErrorCode];

/** The codes of {@link API_ERRORS}, in its order. */
export const API_ERROR_CODES = Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]];

/** The code each status answers with unless a more specific one of {@link API_ERRORS} applies. */
export const ERROR_CODES = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'insufficient_scope',
  404: 'not_found',
  408: 'request_timeout',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
  431: 'request_header_fields_too_large',
  500: 'internal_error',
  503: 'service_unavailable',
} as const satisfies { readonly [S in ErrorStatus]: ApiErrorCodeOf<S> };

export const ErrorDetail = z
  .object({
    path: z.string().meta({ description: 'Where the problem is: a body field (`email`), a query or path parameter.' }),
    message: z.string(),
  })
  .meta({ id: 'ErrorDetail' });
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** The one error shape of every non-OAuth endpoint. */
export const ErrorBody = z
  .object({
    error: z
      .enum(API_ERROR_CODES)
      .meta({ description: 'Stable machine-readable code, e.g. `not_found`.', example: 'not_found' }),
    message: z.string().meta({ description: 'Human-readable explanation.', example: 'User not found' }),
    details: z.array(ErrorDetail).optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** `responses` entries for the error statuses a route can answer with. */
export function errorResponses<const S extends readonly ErrorStatus[]>(...statuses: S) {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody])) as { [K in S[number]]: typeof ErrorBody };
}
