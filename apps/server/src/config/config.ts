import path from 'node:path';
import { CONSOLE_APPLICATION } from '@realmkit/contract';
import { z } from 'zod';
import { secretKeyListProblem, secretKeyProblem, splitKeyList } from '../crypto/secret-key.ts';
import {
  DEFAULT_PASSWORD_QUEUE_TIMEOUT,
  MAX_PASSWORD_QUEUE_TIMEOUT_SECONDS,
  type PasswordWorkLimits,
  passwordWorkLimits,
} from './password-work-config.ts';
import {
  DEFAULT_LOGIN_GUESSING,
  DEFAULT_RATE_LIMITS,
  DURATION_FORMAT,
  FAILURE_COUNT_FORMAT,
  type LoginGuessingConfig,
  parseDuration,
  parseRateLimit,
  RATE_LIMIT_FORMAT,
  type RateLimitsConfig,
} from './rate-limit-config.ts';
import { DEFAULT_RETENTION, parseRetention, RETENTION_FORMAT, type RetentionConfig } from './retention-config.ts';

/** Server configuration, from environment variables (all optional for a first start). */
export interface Config {
  port: number;
  /** Public base URL; issuers are `${issuerUrl}/oauth2/{realm}`. No trailing slash. */
  issuerUrl: string;
  /** PostgreSQL URL; unset means the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  bootstrapClientId: string | undefined;
  bootstrapClientSecret: string | undefined;
  /** The console's first admin (master realm), created at start if no user has this email. */
  bootstrapAdmin: { email: string; password: string } | undefined;
  /** Base64 of at least 32 random bytes; unset means generated into `dataDir`. */
  secretKey: string | undefined;
  /**
   * Keys `secretKey` replaced (`REALMKIT_SECRET_KEY_PREVIOUS`): what they sealed or hashed is still
   * read; unset means, where the key file is in use, those listed in `${dataDir}/secret.key.previous`.
   */
  previousSecretKeys: string[] | undefined;
  migrate: boolean;
  logLevel: string;
  /**
   * `REALMKIT_LOG_FORMAT`: `json` (one JSON object a line) or `pretty` (lines for a person);
   * unset: chosen by `chooseLogFormat` (pretty on a terminal, unless in production: http/logger.ts).
   */
  logFormat: 'json' | 'pretty' | undefined;
  /**
   * `NODE_ENV=production` (the Docker image sets it): logs are JSON unless `REALMKIT_LOG_FORMAT`
   * says otherwise, and emails logged for want of `SMTP_URL` carry their links without the token.
   */
  production: boolean;
  /** Express `trust proxy` setting (hops, `true`, or a list of addresses). */
  trustProxy: boolean | number | string;
  /** `smtp://user:pass@host:587` or `smtps://...`; unset means emails are logged, not sent. */
  smtpUrl: string | undefined;
  /** The From header of every email. */
  smtpFrom: string;
  /** Overrides for the built-in email templates (`<dir>/<realm>/<file>` first, then `<dir>/<file>`). */
  templatesDir: string | undefined;
  /** `nats://host:4222`: every outbox event is also published to NATS JetStream. */
  eventsUrl: string | undefined;
  /** Whether the server runs a notifier in-process (`off` when notifiers run as their own processes). */
  notifier: 'on' | 'off';
  /** Rate limits of the token endpoint and the Management API (docs/rate-limits.md). */
  rateLimits: RateLimitsConfig;
  /** How failed sign-ins slow password guessing; `undefined` when off (docs/rate-limits.md). */
  loginGuessing: LoginGuessingConfig | undefined;
  /** `redis://...`: rate limits shared by every instance; unset means each instance counts alone. */
  redisUrl: string | undefined;
  /** Browser origins allowed by CORS (exact `scheme://host[:port]`); empty means CORS is off. */
  corsOrigins: string[];
  /** How long a shutdown waits for requests in flight before cutting their connections. */
  shutdownTimeoutMs: number;
  /** How often expired sessions, codes and tokens are deleted, in seconds; 0 turns pruning off. */
  pruneIntervalSeconds: number;
  /** How long the pruner keeps audit entries and delivered or dead outbox events (docs/operations.md). */
  retention: RetentionConfig;
  /**
   * Whether what Realmkit fetches from a client-named URL (`jwks_uri`, a federated issuer) may be
   * plain http to a loopback address (development and tests). Private ranges are never allowed.
   */
  outboundAllowLoopback: boolean;
  /** How many password hashes and checks run at once, and wait, on this instance (docs/operations.md). */
  passwordWork: PasswordWorkLimits;
}

/** client_ids the realms' console applications have (`realmkit-console-<realm>`): no other client may take one. */
const CONSOLE_CLIENT_ID_PREFIX = CONSOLE_APPLICATION.clientId('');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  REALMKIT_ISSUER_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  REALMKIT_DATA_DIR: z.string().min(1).default('./.realmkit'),
  REALMKIT_BOOTSTRAP_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{3,128}$/, 'must be 3-128 URL-safe characters')
    .refine((id) => !id.startsWith(CONSOLE_CLIENT_ID_PREFIX), `must not start with ${CONSOLE_CLIENT_ID_PREFIX}`)
    .optional(),
  REALMKIT_BOOTSTRAP_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters').max(512).optional(),
  REALMKIT_BOOTSTRAP_ADMIN_EMAIL: z.email('must be an email address').max(254).optional(),
  // The master realm's password rules judge it at start (a ConfigError naming them).
  REALMKIT_BOOTSTRAP_ADMIN_PASSWORD: z.string().max(1024).optional(),
  REALMKIT_SECRET_KEY: z.string().min(1).optional(),
  REALMKIT_SECRET_KEY_PREVIOUS: z.string().optional(),
  REALMKIT_MIGRATE: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REALMKIT_LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  REALMKIT_TRUST_PROXY: z.string().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]+/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z.string().min(3).default('Realmkit <no-reply@localhost>'),
  REALMKIT_TEMPLATES_DIR: z.string().min(1).optional(),
  REALMKIT_EVENTS_URL: z
    .string()
    .regex(/^nats:\/\/[^/]+/, 'must be a nats:// URL (NATS JetStream is the only publisher shipped)')
    .optional(),
  REALMKIT_NOTIFIER: z.enum(['on', 'off']).default('on'),
  ...rateLimitVariables(),
  ...loginGuessingVariables(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^/]*/, 'must be a redis:// or rediss:// URL')
    .optional(),
  REALMKIT_CORS_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .refine((origins) => origins.every(isOrigin), 'must be comma-separated origins like https://app.example.com')
    .optional(),
  REALMKIT_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  REALMKIT_PRUNE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(604_800).default(3600),
  ...retentionVariables(),
  REALMKIT_OUTBOUND_ALLOW_LOOPBACK: z.enum(['true', 'false']).default('false'),
  REALMKIT_PASSWORD_CONCURRENCY: z.coerce.number().int().min(1).max(1024).optional(),
  REALMKIT_PASSWORD_QUEUE: z.coerce.number().int().min(0).max(100_000).optional(),
  REALMKIT_PASSWORD_QUEUE_TIMEOUT: z
    .string()
    .regex(DURATION_FORMAT, 'must be a duration such as `5s`, `1m`')
    .refine(
      (value) => parseDuration(value) <= MAX_PASSWORD_QUEUE_TIMEOUT_SECONDS,
      `must be at most ${MAX_PASSWORD_QUEUE_TIMEOUT_SECONDS / 60}m`,
    )
    .default(DEFAULT_PASSWORD_QUEUE_TIMEOUT),
});

function rateLimitVariables() {
  const rateLimit = (fallback: string) =>
    z
      .string()
      .regex(RATE_LIMIT_FORMAT, 'must be `off` or `<requests>/<window>`, e.g. `30/s`, `600/10m`')
      .default(fallback);
  return {
    REALMKIT_RATE_LIMIT_TOKEN_PER_CLIENT: rateLimit(DEFAULT_RATE_LIMITS.REALMKIT_RATE_LIMIT_TOKEN_PER_CLIENT),
    REALMKIT_RATE_LIMIT_TOKEN_PER_IP: rateLimit(DEFAULT_RATE_LIMITS.REALMKIT_RATE_LIMIT_TOKEN_PER_IP),
    REALMKIT_RATE_LIMIT_MANAGEMENT_PER_CLIENT: rateLimit(DEFAULT_RATE_LIMITS.REALMKIT_RATE_LIMIT_MANAGEMENT_PER_CLIENT),
    REALMKIT_RATE_LIMIT_LOGIN_PER_IP: rateLimit(DEFAULT_RATE_LIMITS.REALMKIT_RATE_LIMIT_LOGIN_PER_IP),
    REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_CLIENT_AND_IP: rateLimit(
      DEFAULT_RATE_LIMITS.REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_CLIENT_AND_IP,
    ),
    REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_IP: rateLimit(
      DEFAULT_RATE_LIMITS.REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_IP,
    ),
  };
}

function retentionVariables() {
  const retention = (fallback: string) =>
    z
      .string()
      .regex(RETENTION_FORMAT, 'must be `off` (keep forever) or a duration such as `7d`, `36h`, `365d`')
      .default(fallback);
  const d = DEFAULT_RETENTION;
  return {
    REALMKIT_AUDIT_LOG_RETENTION: retention(d.REALMKIT_AUDIT_LOG_RETENTION),
    REALMKIT_OUTBOX_RETENTION: retention(d.REALMKIT_OUTBOX_RETENTION),
    REALMKIT_OUTBOX_DEAD_RETENTION: retention(d.REALMKIT_OUTBOX_DEAD_RETENTION),
  };
}

function loginGuessingVariables() {
  const count = (fallback: string, format: RegExp, message: string) =>
    z.string().regex(format, message).default(fallback);
  const duration = (fallback: string) =>
    z.string().regex(DURATION_FORMAT, 'must be a duration such as `30s`, `15m`, `12h`').default(fallback);
  const d = DEFAULT_LOGIN_GUESSING;
  return {
    REALMKIT_LOGIN_FAILURES_PER_IP: count(
      d.REALMKIT_LOGIN_FAILURES_PER_IP,
      FAILURE_COUNT_FORMAT,
      'must be `off` or a whole number from 1 to 999999',
    ),
    REALMKIT_LOGIN_FAILURES_PER_ACCOUNT: count(
      d.REALMKIT_LOGIN_FAILURES_PER_ACCOUNT,
      /^[1-9]\d{0,5}$/,
      'must be a whole number from 1 to 999999',
    ),
    REALMKIT_LOGIN_FIRST_DELAY: duration(d.REALMKIT_LOGIN_FIRST_DELAY),
    REALMKIT_LOGIN_MAX_DELAY: duration(d.REALMKIT_LOGIN_MAX_DELAY),
    REALMKIT_LOGIN_FAILURE_WINDOW: duration(d.REALMKIT_LOGIN_FAILURE_WINDOW),
  };
}

/** `https://app.example.com` or `http://localhost:3000`: a scheme, a host, a port; nothing else. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** Reads the configuration; throws a {@link ConfigError} naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  if ((e.REALMKIT_BOOTSTRAP_CLIENT_ID === undefined) !== (e.REALMKIT_BOOTSTRAP_CLIENT_SECRET === undefined)) {
    throw new ConfigError('Set both REALMKIT_BOOTSTRAP_CLIENT_ID and REALMKIT_BOOTSTRAP_CLIENT_SECRET, or neither.');
  }
  if ((e.REALMKIT_BOOTSTRAP_ADMIN_EMAIL === undefined) !== (e.REALMKIT_BOOTSTRAP_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Set both REALMKIT_BOOTSTRAP_ADMIN_EMAIL and REALMKIT_BOOTSTRAP_ADMIN_PASSWORD, or neither.');
  }
  const keyProblem = e.REALMKIT_SECRET_KEY === undefined ? undefined : secretKeyProblem(e.REALMKIT_SECRET_KEY);
  if (keyProblem) throw new ConfigError(`REALMKIT_SECRET_KEY ${keyProblem}`);
  const previousKeys = splitKeyList(e.REALMKIT_SECRET_KEY_PREVIOUS ?? '');
  const previousProblem = secretKeyListProblem(e.REALMKIT_SECRET_KEY_PREVIOUS ?? '');
  if (previousProblem) throw new ConfigError(`REALMKIT_SECRET_KEY_PREVIOUS: ${previousProblem}`);
  return {
    port: e.PORT,
    issuerUrl: (e.REALMKIT_ISSUER_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.REALMKIT_DATA_DIR),
    bootstrapClientId: e.REALMKIT_BOOTSTRAP_CLIENT_ID,
    bootstrapClientSecret: e.REALMKIT_BOOTSTRAP_CLIENT_SECRET,
    bootstrapAdmin:
      e.REALMKIT_BOOTSTRAP_ADMIN_EMAIL && e.REALMKIT_BOOTSTRAP_ADMIN_PASSWORD
        ? { email: e.REALMKIT_BOOTSTRAP_ADMIN_EMAIL, password: e.REALMKIT_BOOTSTRAP_ADMIN_PASSWORD }
        : undefined,
    secretKey: e.REALMKIT_SECRET_KEY,
    previousSecretKeys: previousKeys.length > 0 ? previousKeys : undefined,
    migrate: e.REALMKIT_MIGRATE === 'true',
    logLevel: e.LOG_LEVEL,
    logFormat: e.REALMKIT_LOG_FORMAT,
    production: env.NODE_ENV === 'production',
    trustProxy: parseTrustProxy(e.REALMKIT_TRUST_PROXY),
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    templatesDir: e.REALMKIT_TEMPLATES_DIR === undefined ? undefined : path.resolve(e.REALMKIT_TEMPLATES_DIR),
    eventsUrl: e.REALMKIT_EVENTS_URL,
    notifier: e.REALMKIT_NOTIFIER,
    rateLimits: {
      tokenPerClient: parseRateLimit(e.REALMKIT_RATE_LIMIT_TOKEN_PER_CLIENT),
      tokenPerIp: parseRateLimit(e.REALMKIT_RATE_LIMIT_TOKEN_PER_IP),
      managementPerClient: parseRateLimit(e.REALMKIT_RATE_LIMIT_MANAGEMENT_PER_CLIENT),
      loginPerIp: parseRateLimit(e.REALMKIT_RATE_LIMIT_LOGIN_PER_IP),
      clientAuthFailuresPerClientAndIp: parseRateLimit(e.REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_CLIENT_AND_IP),
      clientAuthFailuresPerIp: parseRateLimit(e.REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_IP),
    },
    loginGuessing:
      e.REALMKIT_LOGIN_FAILURES_PER_IP === 'off'
        ? undefined
        : {
            failuresPerIp: Number(e.REALMKIT_LOGIN_FAILURES_PER_IP),
            failuresPerAccount: Number(e.REALMKIT_LOGIN_FAILURES_PER_ACCOUNT),
            firstDelaySeconds: parseDuration(e.REALMKIT_LOGIN_FIRST_DELAY),
            maxDelaySeconds: parseDuration(e.REALMKIT_LOGIN_MAX_DELAY),
            failureWindowSeconds: parseDuration(e.REALMKIT_LOGIN_FAILURE_WINDOW),
          },
    redisUrl: e.REDIS_URL,
    corsOrigins: e.REALMKIT_CORS_ORIGINS ?? [],
    shutdownTimeoutMs: e.REALMKIT_SHUTDOWN_TIMEOUT_MS,
    pruneIntervalSeconds: e.REALMKIT_PRUNE_INTERVAL_SECONDS,
    retention: {
      auditLogSeconds: parseRetention(e.REALMKIT_AUDIT_LOG_RETENTION),
      outboxDoneSeconds: parseRetention(e.REALMKIT_OUTBOX_RETENTION),
      outboxDeadSeconds: parseRetention(e.REALMKIT_OUTBOX_DEAD_RETENTION),
    },
    outboundAllowLoopback: e.REALMKIT_OUTBOUND_ALLOW_LOOPBACK === 'true',
    passwordWork: passwordWorkLimits(
      {
        concurrency: e.REALMKIT_PASSWORD_CONCURRENCY,
        maxWaiting: e.REALMKIT_PASSWORD_QUEUE,
        maxWaitSeconds: parseDuration(e.REALMKIT_PASSWORD_QUEUE_TIMEOUT),
      },
      env,
    ),
  };
}
