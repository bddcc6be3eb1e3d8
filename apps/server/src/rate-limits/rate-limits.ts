import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LoginGuessingConfig, RateLimitsConfig } from '../config/rate-limit-config.ts';
import { clientAuthRateLimit } from './client-auth-rate-limit.ts';
import { type LoginGuard, LoginGuessing } from './login-guessing.service.ts';
import { loginGuard } from './login-rate-limit.ts';
import { managementRateLimit } from './management-rate-limit.ts';

/**
 * The rate limits of one server: a middleware for the endpoints where clients authenticate, one for
 * the Management API, and the login form's.
 */
export interface RateLimits {
  /** After the form of a token, introspection or revocation request is parsed (the same one for all three). */
  readonly clientAuth: RequestHandler | undefined;
  /** After `bearerAuth`. */
  readonly management: RequestHandler | undefined;
  /** Before a login form's password is checked, and after. */
  readonly login: LoginGuard | undefined;
  /** The failed sign-ins counted per account (the administrator's view and reset); none when off. */
  readonly guessing: LoginGuessing | undefined;
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
  guessingConfig?: LoginGuessingConfig,
): Promise<RateLimits> {
  const anyOn = Object.values(config).some(Boolean) || guessingConfig !== undefined;
  // The limiter and the Redis client are imported only when used: a server without them does
  // not carry their modules (megabytes) for its whole life.
  const redis: Redis | undefined =
    anyOn && redisUrl ? await (await import('./redis-connection.ts')).connectRedis(redisUrl, logger) : undefined;
  const quotas = anyOn ? await import('./quota.ts') : undefined;
  const createQuota = quotas?.createQuota;
  const quota = (name: string, limit: RateLimitsConfig[keyof RateLimitsConfig]) =>
    limit && createQuota ? createQuota(name, limit, logger, redis) : undefined;
  const perClient = quota('token-client', config.tokenPerClient);
  const perIp = quota('token-ip', config.tokenPerIp);
  const failuresPerClientAndIp = quota('client-auth-failures', config.clientAuthFailuresPerClientAndIp);
  const failuresPerIp = quota('client-auth-failures-ip', config.clientAuthFailuresPerIp);
  const management = quota('management-client', config.managementPerClient);
  const loginPerIp = quota('login-ip', config.loginPerIp);
  const guessing =
    guessingConfig && quotas
      ? new LoginGuessing(quotas.createCounterStore('login-guessing', logger, redis), guessingConfig)
      : undefined;
  return {
    clientAuth:
      perClient || perIp || failuresPerClientAndIp || failuresPerIp
        ? clientAuthRateLimit({ perClient, perIp, failuresPerClientAndIp, failuresPerIp })
        : undefined,
    management: management ? managementRateLimit(management) : undefined,
    login: loginPerIp || guessing ? loginGuard({ perIp: loginPerIp, guessing }) : undefined,
    guessing,
    async close() {
      redis?.disconnect();
    },
  };
}
