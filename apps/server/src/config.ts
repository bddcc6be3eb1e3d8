import path from 'node:path';
import { z } from 'zod';

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
  /** Base64 of at least 32 random bytes; unset means generated into `dataDir`. */
  secretKey: string | undefined;
  migrate: boolean;
  logLevel: string;
  /** Express `trust proxy` setting (hops, `true`, or a list of addresses). */
  trustProxy: boolean | number | string;
}

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
    .optional(),
  REALMKIT_BOOTSTRAP_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters').max(512).optional(),
  REALMKIT_SECRET_KEY: z.string().min(1).optional(),
  REALMKIT_MIGRATE: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REALMKIT_TRUST_PROXY: z.string().optional(),
});

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
  return {
    port: e.PORT,
    issuerUrl: (e.REALMKIT_ISSUER_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.REALMKIT_DATA_DIR),
    bootstrapClientId: e.REALMKIT_BOOTSTRAP_CLIENT_ID,
    bootstrapClientSecret: e.REALMKIT_BOOTSTRAP_CLIENT_SECRET,
    secretKey: e.REALMKIT_SECRET_KEY,
    migrate: e.REALMKIT_MIGRATE === 'true',
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.REALMKIT_TRUST_PROXY),
  };
}
