import { ERROR_CODES, ERROR_MESSAGES, UNKNOWN_FIELD } from '@realmkit/contract';
import { RequestValidationError } from '@ts-rest/express';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/database-unavailable.ts';
import { isRealmGone } from '../db/realm-foreign-key.ts';
import { ApiError, type ErrorDetail, NotFoundError, ServiceUnavailableError } from '../errors/api-error.ts';
import { routeHint } from './route-suggestions.ts';

interface Issue {
  readonly path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  readonly message: string;
  readonly code?: string;
  readonly keys?: string[];
}

function issuesOf(error: unknown): readonly Issue[] {
  return (error as { issues?: readonly Issue[] } | null)?.issues ?? [];
}

function detailsOf(error: unknown): ErrorDetail[] {
  return issuesOf(error).flatMap((issue) => {
    const base = (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part));
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: UNKNOWN_FIELD }));
    }
    return [{ path: base.join('.') || '(root)', message: issue.message }];
  });
}

/** Turns ts-rest's request validation failure into a 400 naming each bad field. */
export function validationErrorToApiError(error: RequestValidationError): ApiError {
  const parts = [
    ['path parameters', error.pathParams],
    ['query parameters', error.query],
    ['headers', error.headers],
    ['request body', error.body],
  ] as const;
  const details = parts.flatMap(([, part]) => (part ? detailsOf(part) : []));
  const where = parts.filter(([, part]) => part).map(([name]) => name);
  return new ApiError(400, ERROR_MESSAGES.invalidRequest(where, details), { details });
}

/** Errors from Express' body parsers, by their `type`. */
function bodyParserError(error: { type?: string; status?: number }): ApiError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'Malformed JSON in the request body');
    case 'entity.too.large':
      return new ApiError(413, ERROR_MESSAGES.bodyTooLarge);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'Unsupported request body encoding or charset');
    case 'entity.verify.failed':
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
    case 'parameters.too.many':
      return new ApiError(400, 'Unreadable request body');
    default:
      return undefined;
  }
}

/**
 * Client errors that Express raises with a 400 `status` and no body-parser `type`: a path
 * parameter that does not decode (`%E0%A4%A`, `%FF`), and a body that its Content-Encoding's
 * decoder refuses (body-parser passes zlib's error on, with its `errno`).
 */
function expressClientError(error: { status?: unknown; errno?: unknown }): ApiError | undefined {
  if (error.status !== 400) return undefined;
  if (error instanceof URIError) return new ApiError(400, 'The request path is not valid percent-encoded UTF-8');
  if (typeof error.errno === 'number') {
    return new ApiError(400, 'The request body is not encoded as its Content-Encoding says');
  }
  return undefined;
}

/**
 * Maps anything thrown to an {@link ApiError}; `undefined` for unexpected errors (500). `realm` is
 * the name of the realm the request addressed, for the 404 of a write into a realm deleted meanwhile.
 */
export function toApiError(error: unknown, realm?: string): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof RequestValidationError) return validationErrorToApiError(error);
  // Client errors first: a client that hangs up mid-body is ECONNABORTED too, not the database.
  if (error && typeof error === 'object' && 'type' in error) {
    const bodyError = bodyParserError(error as { type?: string });
    if (bodyError) return bodyError;
  }
  if (error && typeof error === 'object' && 'status' in error && !('type' in error)) {
    const clientError = expressClientError(error as { status?: unknown; errno?: unknown });
    if (clientError) return clientError;
  }
  if (isDatabaseUnavailable(error)) {
    return new ServiceUnavailableError(ERROR_MESSAGES.databaseUnreachable);
  }
  // The realm was deleted while this request wrote into it: the answer it gets once the delete is seen.
  if (isRealmGone(error)) {
    return new NotFoundError(realm === undefined ? 'Realm not found' : `Realm ${realm} not found`);
  }
  return undefined;
}

/**
 * 404 in the error shape for every path no route serves, pointing at the route the client most
 * likely meant, when one of the contract's is close (http/route-suggestions.ts).
 */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  const hint = routeHint(req.method, req.path);
  next(new ApiError(404, `No route for ${req.method} ${req.path}${hint ? `: ${hint}` : ''}`));
};

/**
 * The name of the realm the request addressed, as bearer auth (or a route naming its realm
 * elsewhere) recorded it; an error handler's `req.params` no longer holds the route's parameters.
 */
function realmNameOf(res: Response): string | undefined {
  const target = res.locals.realm as { name?: unknown } | undefined;
  return typeof target?.name === 'string' ? target.name : undefined;
}

/** The one place a failure becomes a response: `{ error, message, details? }`, never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const apiError = toApiError(error, realmNameOf(res));
    if (res.headersSent) {
      logger.error({ err: error, reqId: req.id }, 'error after the response started');
      res.destroy();
      return;
    }
    if (apiError) {
      // A refused password check is load, not a fault: the access log's line tells it (a storm would repeat the stack).
      if (apiError.status === 503 && apiError.code !== 'password_checks_busy') {
        logger.warn({ err: error, reqId: req.id }, apiError.message);
      }
      res.set(apiError.headers).status(apiError.status).json(apiError.toBody());
      return;
    }
    logger.error({ err: error, reqId: req.id }, 'unexpected error');
    res.status(500).json({
      error: ERROR_CODES[500],
      message: ERROR_MESSAGES.internalError(String(req.id)),
    });
  };
}
