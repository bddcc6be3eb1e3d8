/** How much password work one instance takes on (docs/operations.md, "Password checks"). */
export interface PasswordWorkLimits {
  /** Hashes and checks that run at once (`REALMKIT_PASSWORD_CONCURRENCY`). */
  readonly concurrency: number;
  /** Hashes and checks that wait for a turn, across realms (`REALMKIT_PASSWORD_QUEUE`). */
  readonly maxWaiting: number;
  /** How long one waits for its turn at most, in milliseconds (`REALMKIT_PASSWORD_QUEUE_TIMEOUT`). */
  readonly maxWaitMs: number;
}

/** Threads of libuv's pool, where argon2 and bcrypt run: `UV_THREADPOOL_SIZE` as libuv reads it (1 to 1024), else 4. */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const size = Number.parseInt(env.UV_THREADPOOL_SIZE ?? '', 10);
  return Number.isNaN(size) ? 4 : Math.min(Math.max(size, 1), 1024);
}

/** Waiters per running slot by default: a full queue drains in 16 checks' time (about 0.5 s of argon2id). */
const DEFAULT_QUEUE_PER_SLOT = 16;

const DEFAULT_WAIT_SECONDS = 5;

/** `REALMKIT_PASSWORD_QUEUE_TIMEOUT`'s default. */
export const DEFAULT_PASSWORD_QUEUE_TIMEOUT = `${DEFAULT_WAIT_SECONDS}s`;

/** The longest wait `REALMKIT_PASSWORD_QUEUE_TIMEOUT` may set: a request held longer has lost its client. */
export const MAX_PASSWORD_QUEUE_TIMEOUT_SECONDS = 600;

/**
 * The limits, each setting left out taking its default: as many hashes and checks at once as
 * libuv's pool has threads (argon2 and bcrypt run there, nothing else waits behind them for long),
 * 16 times that waiting, 5 s at most.
 */
export function passwordWorkLimits(
  settings: { concurrency?: number | undefined; maxWaiting?: number | undefined; maxWaitSeconds?: number } = {},
  env: NodeJS.ProcessEnv = process.env,
): PasswordWorkLimits {
  const concurrency = settings.concurrency ?? threadPoolSize(env);
  return {
    concurrency,
    maxWaiting: settings.maxWaiting ?? DEFAULT_QUEUE_PER_SLOT * concurrency,
    maxWaitMs: (settings.maxWaitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000,
  };
}
