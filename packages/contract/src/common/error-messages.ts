import type { ErrorDetail } from './errors.ts';
import { MAX_BODY_SIZE } from './limits.ts';

/** The `message` of a `details` entry naming a body field that the operation does not take. */
export const UNKNOWN_FIELD = 'Unknown field';

/**
 * The messages of the errors that the server's shared layers answer with (bearer authentication,
 * the JSON body parser, request validation, conditional requests, the rate limit, the error
 * handler, readiness), written once: the server sends them, and the OpenAPI document's examples
 * show them. Messages of one operation (`User not found`) are the server's own.
 */
export const ERROR_MESSAGES = {
  /** 400: the parts of the request (`path parameters`, `request body`...) that fail validation, and why. */
  invalidRequest(parts: readonly string[], details: readonly ErrorDetail[]): string {
    const where = parts.join(' and ');
    const unknown = details.filter((detail) => detail.message === UNKNOWN_FIELD).map((detail) => `"${detail.path}"`);
    return unknown.length > 0
      ? `Invalid ${where}: unknown field ${unknown.join(', ')}`
      : `Invalid ${where}: ${details.map((detail) => `${detail.path}: ${detail.message}`).join('; ')}`;
  },
  /** 401 without an `Authorization` header. */
  missingBearerToken: 'Missing bearer token: send `Authorization: Bearer <access_token>`',
  /** 403: the token does not hold the route's scope. */
  lacksScope: (scope: string) => `The token lacks the ${scope} scope`,
  /** 412: `If-Match` names another version. */
  ifMatchFailed:
    'If-Match does not match the current ETag of this resource: it changed since you read it. GET it again and retry with its new ETag.',
  /** 408 from Node's HTTP parser: the headers, or the whole request, took too long. */
  requestTimeout: 'The request was not sent in time; send it again, faster',
  /** 413. */
  bodyTooLarge: `Request body is larger than ${MAX_BODY_SIZE}`,
  /** 413 from Node's HTTP parser: a chunked body's chunk extensions are too large. */
  chunkExtensionsTooLarge: 'The chunk extensions of the request body are too large',
  /** 431 from Node's HTTP parser: the request line and headers are too large. */
  headersTooLarge: 'The request URL and headers are too large: shorten the URL (long query values) or the headers',
  /** 415. */
  notJson: 'Send the request body as application/json',
  /** 429 from the Management API's rate limit. */
  rateLimited: (seconds: number) => `Too many requests for this client; retry in ${seconds} s`,
  /** 500. */
  internalError: (requestId: string) => `Something went wrong on our side. Request id: ${requestId}`,
  /** 503 `password_checks_busy`: the instance's password hashes and checks, running and waiting, are at their limits. */
  passwordChecksBusy: 'Too many password checks are waiting on this server; retry in a few seconds',
  /** 503 while the database is unreachable. */
  databaseUnreachable: 'The database is unreachable; retry in a few seconds',
  /** 503 to every request (but `/healthz`) between the port being bound and the server being ready. */
  starting: 'Realmkit is starting (migrations, first-start setup); retry in a few seconds',
  /** 503 from `/readyz`, naming the checks that failed. */
  notReady: (checks: readonly string[]) => `Not ready: ${checks.join(', ')}`,
  /** `/readyz`'s database check, when the database did not answer in time. */
  databaseTimeout: (seconds: number) => `The database did not answer within ${seconds} s`,
} as const;
