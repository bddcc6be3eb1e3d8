import { type DestinationStream, type Logger, pino } from 'pino';

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
