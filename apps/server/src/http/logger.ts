import { isatty } from 'node:tty';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

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

/** How log lines are written: one JSON object a line, or lines for a person (pino-pretty). */
export type LogFormat = 'json' | 'pretty';

/**
 * The format of the logs: `REALMKIT_LOG_FORMAT` when set (the operator's word wins); otherwise
 * JSON with `NODE_ENV=production`, and elsewhere pretty when the lines go to a terminal, JSON
 * when they go to a file, a pipe or a log collector.
 */
export function chooseLogFormat(setting: LogFormat | undefined, production: boolean, terminal: boolean): LogFormat {
  if (setting) return setting;
  if (production) return 'json';
  return terminal ? 'pretty' : 'json';
}

function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACTED_PATHS, censor: CENSOR } };
}

/**
 * The JSON logger: lines to stdout (the server), to stderr for the `realmkit` commands whose
 * stdout is their result (`create-client --json`), or to a stream (tests that read the lines).
 *
 * stdout and stderr are written synchronously: each line is in the file (or pipe) when the call
 * returns, in the order of the calls, whatever the process does next. pino's default writes from
 * libuv's threadpool, where a line waits behind password hashes; one still waiting at exit was
 * written after the lines flushed at exit, or never ("shut down" before "shutting down", issue 23).
 */
export function createLogger(level: string, destination: 'stdout' | 'stderr' | DestinationStream = 'stdout'): Logger {
  if (typeof destination === 'object') return pino(loggerOptions(level), destination);
  return pino(loggerOptions(level), pino.destination({ dest: destination === 'stdout' ? 1 : 2, sync: true }));
}

/**
 * The logger of a `realmkit` command, in the format {@link chooseLogFormat} picks for its
 * destination. pino-pretty is loaded only when the pretty format is chosen.
 */
export async function createCommandLogger(
  level: string,
  destination: 'stdout' | 'stderr',
  config: { logFormat: LogFormat | undefined; production: boolean },
): Promise<Logger> {
  const fd = destination === 'stdout' ? 1 : 2;
  const terminal = isatty(fd);
  if (chooseLogFormat(config.logFormat, config.production, terminal) === 'json')
    return createLogger(level, destination);
  const { default: pretty } = await import('pino-pretty');
  return pino(
    loggerOptions(level),
    pretty({
      destination: fd,
      sync: true,
      colorize: terminal && !process.env.NO_COLOR,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,req,res,responseTime',
      singleLine: true,
      // A request's line reads as one: `GET /api/v1/acme/users 200 3.1 ms`, then its reqId.
      messageFormat: (line, messageKey) => {
        const req = line.req as { method?: string; url?: string } | undefined;
        const res = line.res as { statusCode?: number | null } | undefined;
        const message = String(line[messageKey] ?? '');
        if (!req || !res) return message;
        const aborted = message === 'request aborted' ? ' (client hung up)' : '';
        return `${req.method} ${req.url} ${res.statusCode ?? '-'} ${line.responseTime} ms${aborted}`;
      },
    }),
  );
}
