import {
  type ApiErrorCode,
  type ApiErrorCodeOf,
  ERROR_CODES,
  type ErrorBody,
  type ErrorStatus,
} from '@realmkit/contract';

export type ErrorDetail = NonNullable<ErrorBody['details']>[number];

/**
 * An error a client caused, with the status and stable `code` the API answers with: a code of the
 * contract's `API_ERRORS` that answers with that status, by default the status's own (`ERROR_CODES`).
 * Services throw these; the one error handler turns them into `{ error, message, details? }`.
 *
 * @example
 * throw new NotFoundError('User not found');
 */
export class ApiError<S extends ErrorStatus = ErrorStatus> extends Error {
  override name = 'ApiError';
  readonly status: ErrorStatus;
  readonly code: ApiErrorCode;
  readonly details: ErrorDetail[] | undefined;
  /** Headers the response must carry, e.g. `WWW-Authenticate`. */
  readonly headers: Record<string, string>;

  constructor(
    status: S,
    message: string,
    options: { code?: ApiErrorCodeOf<S>; details?: ErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = options.code ?? ERROR_CODES[status];
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorBody {
    return { error: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export class BadRequestError extends ApiError {
  constructor(message: string, details?: ErrorDetail[]) {
    super(400, message, { details });
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(404, message);
  }
}

export class ConflictError extends ApiError {
  constructor(message: string, details?: ErrorDetail[]) {
    super(409, message, { details });
  }
}

/** 422: well-formed, but breaks a rule (weak password, reserved name...). */
export class ValidationError extends ApiError {
  constructor(message: string, details?: ErrorDetail[]) {
    super(422, message, { details });
  }
}

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** 503: the server cannot serve the request for now (the database is unreachable); retry later. */
export class ServiceUnavailableError extends ApiError {
  constructor(message: string, details?: ErrorDetail[]) {
    super(503, message, { details, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } });
  }
}
