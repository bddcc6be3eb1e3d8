import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { type DestinationStream, type Logger, pino } from 'pino';
import { pinoHttp } from 'pino-http';

/**
 * Field names whose values never reach a log line, wherever they appear one or two levels down
 * (`body.password`, `req.query.token`, `err.body.client_secret`): passwords and their digests,
 * client secrets, tokens and credentials headers.
 */
const SECRET_FIELDS = [
  'password',
  'newPassword',
  'new_password',
  'password_digest',
  'passwordDigest',
  'password_hash',
  'passwordHash',
  'client_secret',
  'clientSecret',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'authorization',
  'cookie',
];

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => [`*.${field}`, `*.*.${field}`]),
];

const CENSOR = '[redacted]';

/** Query parameters that carry secrets (the verification link's `token`, misplaced credentials). */
const SECRET_QUERY = /([?&](?:token|access_token|refresh_token|id_token|client_secret|password|code)=)[^&#]*/gi;

/** `url` with the values of secret query parameters replaced: `/verify-email?token=[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, `$1${CENSOR}`);
}

/**
 * The JSON logger: lines to stdout (the server), to stderr for the `realmkit` commands whose
 * stdout is their result (`create-client --json`), or to a stream (tests that read the lines).
 */
export function createLogger(level: string, destination: 'stdout' | 'stderr' | DestinationStream = 'stdout'): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: CENSOR } };
  if (destination === 'stdout') return pino(options);
  return pino(options, destination === 'stderr' ? pino.destination(2) : destination);
}

/** Probes that load balancers call every few seconds: not worth a log line each when they succeed. */
const QUIET_PATHS = new Set(['/healthz', '/readyz']);

/**
 * One JSON line per request (`reqId` is the `X-Request-Id`; `warn` for a 503, `error` for other
 * 5xx), with secrets in the URL redacted and successful probes left out.
 */
export function httpLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req) => (req as Request).id,
    quietReqLogger: true,
    autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.has((req.url ?? '').split('?')[0] ?? '') },
    // A 503 is the database (or readiness) saying "not now": a warning; other 5xx are errors.
    customLogLevel: (_req, res, error) => {
      if (res.statusCode === 503) return 'warn';
      return error || res.statusCode >= 500 ? 'error' : 'info';
    },
    serializers: {
      req: (req: { url?: string }) => {
        if (typeof req.url === 'string') req.url = redactUrl(req.url);
        return req;
      },
    },
  });
}
