import type { API_ERRORS, ErrorStatus, OAUTH_ERRORS, OAuthErrorStatus } from '@realmkit/contract';
import { retryAfterMs } from './retry.ts';

/**
 * The error codes the contract documents for `status`: the Management API's (`API_ERRORS`) and
 * the token endpoint's (`OAUTH_ERRORS`, RFC 6749 §5.2), and `http_<status>` for an error whose
 * body names none (a proxy's HTML page, say).
 */
export type APIErrorCodeOf<S extends number> =
  | { [C in keyof typeof API_ERRORS]: (typeof API_ERRORS)[C]['status'] extends S ? C : never }[keyof typeof API_ERRORS]
  | {
      [C in keyof typeof OAUTH_ERRORS]: (typeof OAUTH_ERRORS)[C]['status'] extends S ? C : never;
    }[keyof typeof OAUTH_ERRORS]
  | `http_${S}`;

/** Every code an {@link APIError} can carry: those of the contract, `not_modified` (304), `http_<status>`. */
export type APIErrorCode = APIErrorCodeOf<number> | 'not_modified';

/** Field-level problem in an error response (`details`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * Base of every error the SDK throws. `instanceof RealmkitError` catches them all.
 *
 * @example
 * try { await rk.users.get(id); } catch (e) { if (e instanceof RealmkitError) console.error(e.message); }
 */
export class RealmkitError extends Error {
  override name = 'RealmkitError';
}

/**
 * The server answered with an error status (or a 304, {@link NotModifiedError}). Subclasses by
 * status let callers catch what they handle: `NotFoundError`, `ConflictError`, `RateLimitError`...
 * Each one's `code` is the union of the codes the contract documents for its status, so the
 * compiler rejects a comparison with a code the server never sends.
 *
 * @example
 * try {
 *   await rk.users.create({ email: 'jane@example.com' });
 * } catch (e) {
 *   if (e instanceof ConflictError && e.code === 'conflict') console.log(e.details); // [{ path: 'email', ... }]
 * }
 */
export class APIError extends RealmkitError {
  override name = 'APIError';
  /** HTTP status. */
  readonly status: number;
  /** Stable machine-readable code: `not_found`, `conflict`, `invalid_scope`... (each subclass narrows it). */
  readonly code: APIErrorCode;
  /** The same as {@link code}, untyped: the body's `error` field. */
  readonly error: string;
  /** Field-level problems, when the server names them. */
  readonly details: ErrorDetail[] | undefined;
  /** The server's `X-Request-Id`, to quote when reporting a problem. */
  readonly requestId: string | undefined;
  readonly headers: Headers;

  constructor(status: number, body: unknown, headers: Headers) {
    const { error, message, details } = parseErrorBody(status, body);
    super(message);
    this.status = status;
    this.code = this.error = error as APIErrorCode;
    this.details = details;
    this.headers = headers;
    this.requestId = headers.get('x-request-id') ?? undefined;
  }

  /** The error class for a status, so that `catch` can tell them apart. */
  static from(status: number, body: unknown, headers: Headers): APIError {
    const ErrorClass = ERROR_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new ErrorClass(status, body, headers);
  }
}

/** `{ error, message, details }`, or RFC 6749's `{ error, error_description }` from the token endpoint. */
function parseErrorBody(status: number, body: unknown): { error: string; message: string; details?: ErrorDetail[] } {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const error = typeof fields.error === 'string' ? fields.error : `http_${status}`;
  const message =
    typeof fields.message === 'string'
      ? fields.message
      : typeof fields.error_description === 'string'
        ? fields.error_description
        : `HTTP ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`;
  const details = Array.isArray(fields.details) ? (fields.details as ErrorDetail[]) : undefined;
  return { error, message, details };
}

/** 400: the request is malformed (or, from the token endpoint, `invalid_scope`, `invalid_target`...). */
export class BadRequestError extends APIError {
  override name = 'BadRequestError';
  declare readonly code: APIErrorCodeOf<400>;
}
/** 401: missing, invalid or expired token, or wrong client credentials (`invalid_client`). */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
  declare readonly code: APIErrorCodeOf<401>;
}
/** 403: the token lacks the scope the route needs. */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
  declare readonly code: APIErrorCodeOf<403>;
}
/** 404: no such record in this realm (or no such realm). */
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
  declare readonly code: APIErrorCodeOf<404>;
}
/** 409 `conflict`: a uniqueness rule (email, role name, indicator...); or `idempotency_key_in_progress`. */
export class ConflictError extends APIError {
  override name = 'ConflictError';
  declare readonly code: APIErrorCodeOf<409>;
}
/**
 * 412 `precondition_failed`: the resource changed since you read the `ETag` you sent as
 * `ifMatch` (or matches your write's `ifNoneMatch`). Nothing was changed: read it again (with
 * `.withResponse()` for the new `etag`), reapply your change, send it with the new tag.
 */
export class PreconditionFailedError extends APIError {
  override name = 'PreconditionFailedError';
  declare readonly code: APIErrorCodeOf<412>;
}
/**
 * 304, to a GET with `ifNoneMatch`: the copy you hold is current, and the server sent no body.
 * Thrown (by `await` and `withResponse()` alike) so that a result is always the resource; the
 * tag is `headers.get('etag')`.
 *
 * @example
 * try {
 *   cached = await rk.users.get(id, { ifNoneMatch: cachedEtag });
 * } catch (e) {
 *   if (!(e instanceof NotModifiedError)) throw e; // else: `cached` is still current
 * }
 */
export class NotModifiedError extends APIError {
  override name = 'NotModifiedError';
  declare readonly code: 'not_modified';
  constructor(status: number, _body: unknown, headers: Headers) {
    super(status, { error: 'not_modified', message: 'Not modified: If-None-Match matches the current ETag' }, headers);
  }
}
/** 408 `request_timeout`: the request reached the server too slowly (a stalled connection). */
export class RequestTimeoutError extends APIError {
  override name = 'RequestTimeoutError';
  declare readonly code: APIErrorCodeOf<408>;
}
/** 413 `payload_too_large`: the JSON body is larger than the server accepts. */
export class PayloadTooLargeError extends APIError {
  override name = 'PayloadTooLargeError';
  declare readonly code: APIErrorCodeOf<413>;
}
/** 415 `unsupported_media_type`: the body is not `application/json` (a custom `content-type` header). */
export class UnsupportedMediaTypeError extends APIError {
  override name = 'UnsupportedMediaTypeError';
  declare readonly code: APIErrorCodeOf<415>;
}
/**
 * 422 `validation_failed`: well-formed but breaks a rule (weak password, unknown role id, bad
 * redirect URI...); or `read_only`, `invalid_credentials`, `idempotency_key_reused`.
 */
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
  declare readonly code: APIErrorCodeOf<422>;
}
/** 431 `request_header_fields_too_large`: the URL and headers are too large (a very long query, say). */
export class RequestHeaderFieldsTooLargeError extends APIError {
  override name = 'RequestHeaderFieldsTooLargeError';
  declare readonly code: APIErrorCodeOf<431>;
}
/**
 * 429: slow down. The SDK waits as the server asks and retries (up to 60 s of waiting per call),
 * so you see this only when that ran out, or when you turned retries off.
 *
 * @example
 * try {
 *   await rk.users.get(id, { maxRetries: 0 });
 * } catch (e) {
 *   if (e instanceof RateLimitError) console.log(`try again in ${e.retryAfter ?? 1} s`);
 * }
 */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
  declare readonly code: APIErrorCodeOf<429>;
  /** Seconds to wait before trying again, from the server's `Retry-After`; `undefined` without one. */
  readonly retryAfter: number | undefined;

  constructor(status: number, body: unknown, headers: Headers) {
    super(status, body, headers);
    const ms = retryAfterMs(headers);
    this.retryAfter = ms === undefined ? undefined : ms / 1000;
  }
}
/**
 * 5xx: `internal_error`, `service_unavailable` or `password_checks_busy` (503, retried after its
 * `Retry-After` like a 429), the token endpoint's `server_error`, or a proxy's `http_5xx`.
 */
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
  declare readonly code: APIErrorCodeOf<500 | 503> | `http_${number}`;
}

type APIErrorClass = new (status: number, body: unknown, headers: Headers) => APIError;

/** A class for every status the contract documents error codes for: `satisfies` fails on one left out. */
const ERROR_CLASSES: Record<number, APIErrorClass> = {
  304: NotModifiedError,
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  408: RequestTimeoutError,
  409: ConflictError,
  412: PreconditionFailedError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  431: RequestHeaderFieldsTooLargeError,
  500: InternalServerError,
  503: InternalServerError,
} satisfies Record<304 | ErrorStatus | OAuthErrorStatus, APIErrorClass>;

/** The server could not be reached (DNS, refused connection, reset...). */
export class APIConnectionError extends RealmkitError {
  override name = 'APIConnectionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No response within `timeout`. */
export class APITimeoutError extends APIConnectionError {
  override name = 'APITimeoutError';
}

/** The caller's `AbortSignal` fired. */
export class APIUserAbortError extends RealmkitError {
  override name = 'APIUserAbortError';
  constructor(options?: { cause?: unknown }) {
    super('The request was aborted', options);
  }
}
