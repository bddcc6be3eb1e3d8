import { ERROR_MESSAGES } from '@realmkit/contract';
import type { RequestHandler } from 'express';
import { ApiError } from '../errors/api-error.ts';
import type { Principal } from '../http/bearer-auth.ts';
import type { Quota } from './quota.ts';
import { secondsBeforeReset, setRateLimitHeaders } from './rate-limit-headers.ts';

/**
 * The Management API's limit per token client (its realm and client_id), after `bearerAuth`:
 * every authenticated request counts, reads and writes alike. Public routes pass.
 */
export function managementRateLimit(quota: Quota): RequestHandler {
  return async (_req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    if (!principal) return next();
    const outcome = await quota.consume(`${principal.realmId}:${principal.clientId}`);
    if (!outcome) return next();
    setRateLimitHeaders(res, outcome);
    if (outcome.allowed) return next();
    next(new ApiError(429, ERROR_MESSAGES.rateLimited(secondsBeforeReset(outcome))));
  };
}
