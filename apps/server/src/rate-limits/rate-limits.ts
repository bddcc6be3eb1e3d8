import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RateLimitsConfig } from '../config/rate-limit-config.ts';
import { type LoginRateLimit, loginRateLimit } from './login-rate-limit.ts';
import { managementRateLimit } from './management-rate-limit.ts';
import { tokenRateLimit } from './token-rate-limit.ts';

/** The rate limits of one server: a middleware for the token endpoint, one for the Management API, and the login form's. */
export interface RateLimits {
  /** After the token request's form is parsed. */
  readonly token: RequestHandler | undefined;
  /** After `bearerAuth`. */
  readonly management: RequestHandler | undefined;
  /** Before a login form's password is checked. */
  readonly login: LoginRateLimit | undefined;
  close(): Promise<void>;
}

/**
 * Builds the configured limits: in memory, or in Redis when `redisUrl` is set (then instances
 * share them). With every limit off, nothing is built and Redis is not connected.
 */
export async function createRateLimits(
  config: RateLimitsConfig,
  redisUrl: string | undefined,
  logger: Logger,
): Promise<RateLimits> {
  const anyOn = Object.values(config).some(Boolean);
  // The limiter and the Redis client are imported only when used: a server without them does
  // not carry their modules (megabytes) for its whole life.
  const redis: Redis | undefined =
    anyOn && redisUrl ? await (await import('./redis-connection.ts')).connectRedis(redisUrl, logger) : undefined;
  const createQuota = anyOn ? (await import('./quota.ts')).createQuota : undefined;
  const quota = (name: string, limit: RateLimitsConfig[keyof RateLimitsConfig]) =>
    limit && createQuota ? createQuota(name, limit, logger, redis) : undefined;
  const perClient = quota('token-client', config.tokenPerClient);
  const perIp = quota('token-ip', config.tokenPerIp);
  const management = quota('management-client', config.managementPerClient);
  const loginPerAccount = quota('login-account', config.loginPerAccount);
  const loginPerIp = quota('login-ip', config.loginPerIp);
  return {
    token: perClient || perIp ? tokenRateLimit({ perClient, perIp }) : undefined,
    management: management ? managementRateLimit(management) : undefined,
    login:
      loginPerAccount || loginPerIp ? loginRateLimit({ perAccount: loginPerAccount, perIp: loginPerIp }) : undefined,
    async close() {
      redis?.disconnect();
    },
  };
}
