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
 *
 * @example
 * try {
 *   await rk.users.create({ email: 'jane@example.com' });
 * } catch (e) {
 *   if (e instanceof ConflictError) console.log(e.error, e.details); // 'conflict', [{ path: 'email', ... }]
 * }
 */
export class APIError extends RealmkitError {
  override name = 'APIError';
  /** HTTP status. */
  readonly status: number;
  /** Stable machine-readable code: `not_found`, `conflict`, `invalid_scope`... */
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
    this.error = error;
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
}
/** 401: missing, invalid or expired token, or wrong client credentials (`invalid_client`). */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
/** 403: the token lacks the scope the route needs. */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
/** 404: no such record in this realm (or no such realm). */
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
/** 409: a uniqueness rule (email, role name, indicator...). */
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
/**
 * 412 `precondition_failed`: the resource changed since you read the `ETag` you sent as
 * `ifMatch` (or matches your write's `ifNoneMatch`). Nothing was changed: read it again (with
 * `.withResponse()` for the new `etag`), reapply your change, send it with the new tag.
 */
export class PreconditionFailedError extends APIError {
  override name = 'PreconditionFailedError';
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
  constructor(status: number, _body: unknown, headers: Headers) {
    super(status, { error: 'not_modified', message: 'Not modified: If-None-Match matches the current ETag' }, headers);
  }
}
/** 422: well-formed but breaks a rule (weak password, unknown role id, bad redirect URI...). */
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}
/** 429: slow down; the server's `Retry-After` is in `headers`. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}
/** 5xx. */
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

const ERROR_CLASSES: Record<number, new (status: number, body: unknown, headers: Headers) => APIError> = {
  304: NotModifiedError,
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  412: PreconditionFailedError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

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
