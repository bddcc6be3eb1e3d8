import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimit } from '../config/rate-limit-config.ts';

/** Where one request stands against one quota. */
export interface QuotaOutcome {
  readonly allowed: boolean;
  readonly limit: RateLimit;
  readonly remaining: number;
  /** Until the window resets, in ms. */
  readonly msBeforeReset: number;
}

/** One named quota (`token-client`, `management-client`...), counted per key. */
export interface Quota {
  /** Counts one request for `key`; `undefined` when no store could count it (the request goes through). */
  consume(key: string): Promise<QuotaOutcome | undefined>;
  /**
   * Where `key` stands, without counting: refused once the window's points are used up (a key never
   * counted has them all). `undefined` when no store could answer (the request goes through).
   */
  peek(key: string): Promise<QuotaOutcome | undefined>;
}

/** Logs, at most once a minute, that the shared store is out of reach and this instance counts alone. */
const FALLBACK_WARNING_INTERVAL_MS = 60_000;

/**
 * The insurance limiter of a Redis quota: rate-limiter-flexible switches to it whenever Redis
 * fails or is not connected, so each instance keeps limiting on its own (fail open to per-instance
 * limits, not to no limits and not to refusing everything), and says so in the log.
 */
class LoggedInsurance extends RateLimiterMemory {
  readonly #warn: () => void;

  constructor(options: ConstructorParameters<typeof RateLimiterMemory>[0], warn: () => void) {
    super(options);
    this.#warn = warn;
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): ReturnType<RateLimiterMemory['consume']> {
    this.#warn();
    return super.consume(...args);
  }
}

function outcomeOf(result: RateLimiterRes, limit: RateLimit, allowed: boolean): QuotaOutcome {
  return { allowed, limit, remaining: result.remainingPoints, msBeforeReset: result.msBeforeNext };
}

/**
 * A quota in this process's memory, or in Redis (keys `realmkit:rl:<name>:<key>`) so that every
 * instance on that Redis shares it. Fixed windows of `limit.durationSeconds`.
 */
export function createQuota(name: string, limit: RateLimit, logger: Logger, redis?: Redis): Quota {
  const options = { keyPrefix: `realmkit:rl:${name}`, points: limit.points, duration: limit.durationSeconds };
  let warnedAt = Number.NEGATIVE_INFINITY;
  const warn = () => {
    const now = Date.now();
    if (now - warnedAt < FALLBACK_WARNING_INTERVAL_MS) return;
    warnedAt = now;
    logger.warn({ quota: name }, 'rate limits: Redis is unreachable; this instance counts on its own until it is back');
  };
  const limiter = redis
    ? new RateLimiterRedis({
        ...options,
        storeClient: redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new LoggedInsurance(options, warn),
      })
    : new RateLimiterMemory(options);
  return {
    async consume(key) {
      try {
        return outcomeOf(await limiter.consume(key), limit, true);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return outcomeOf(rejection, limit, false);
        logger.warn(
          { err: rejection, quota: name },
          'rate limits: the request could not be counted; letting it through',
        );
        return undefined;
      }
    },
    async peek(key) {
      try {
        const counted = await limiter.get(key);
        if (!counted) return { allowed: true, limit, remaining: limit.points, msBeforeReset: 0 };
        const remaining = Math.max(0, limit.points - counted.consumedPoints);
        return { allowed: remaining > 0, limit, remaining, msBeforeReset: counted.msBeforeNext };
      } catch (error) {
        logger.warn(
          { err: error, quota: name },
          'rate limits: the count could not be read; letting the request through',
        );
        return undefined;
      }
    },
  };
}

/** A value under a key, and how long it lives yet. */
export interface StoredCount {
  readonly value: number;
  /** Until the key expires, in ms. */
  readonly msLeft: number;
}

/**
 * Integers that expire, in the store of the quotas (memory, or Redis under
 * `realmkit:rl:<name>:<key>`): what the login's guessing counters are kept in. Every operation
 * fails open: a store that cannot answer answers nothing (`null`, `undefined`), logged at `warn`.
 */
export interface CounterStore {
  get(key: string): Promise<StoredCount | null>;
  /** Adds 1 (a new key lives `seconds`, an existing one keeps its expiry) and answers the new value. */
  increment(key: string, seconds: number): Promise<number | undefined>;
  set(key: string, value: number, seconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A {@link CounterStore} named `name`, in memory or in Redis (then shared by every instance). */
export function createCounterStore(name: string, logger: Logger, redis?: Redis): CounterStore {
  // `points` and `duration` matter to no operation used here: every call gives its own duration.
  const options = { keyPrefix: `realmkit:rl:${name}`, points: 1, duration: 60 };
  const limiter = redis
    ? new RateLimiterRedis({
        ...options,
        storeClient: redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      })
    : new RateLimiterMemory(options);
  const failed = (error: unknown): undefined => {
    logger.warn({ err: error, store: name }, 'rate limits: a login counter could not be read or written');
    return undefined;
  };
  return {
    async get(key) {
      const res = await limiter.get(key).catch(failed);
      return res ? { value: res.consumedPoints, msLeft: res.msBeforeNext } : null;
    },
    async increment(key, seconds) {
      return (await limiter.penalty(key, 1, { customDuration: seconds }).catch(failed))?.consumedPoints;
    },
    async set(key, value, seconds) {
      await limiter.set(key, value, seconds).catch(failed);
    },
    async delete(key) {
      await limiter.delete(key).catch(failed);
    },
  };
}
