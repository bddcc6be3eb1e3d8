import { ERROR_MESSAGES } from '@realmkit/contract';
import type { RequestHandler } from 'express';
import { ApiError } from '../errors/api-error.ts';
import type { Principal } from '../http/bearer-auth.ts';
import type { Quota } from './quota.ts';
import { secondsBeforeReset, setRateLimitHeaders } from './rate-limit-headers.ts';

/**
 * The Management API's limit per token client (its realm and client_id), after `bearerAuth`:
 * every authenticated request counts, reads and writes alike. Public routes pass. A user's token
 * counts for that user: the admins of a realm share one console application, and one busy admin
 * must not hold up the others.
 */
export function managementRateLimit(quota: Quota): RequestHandler {
  return async (_req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    if (!principal) return next();
    const caller = principal.userId ? `${principal.clientId}:${principal.userId}` : principal.clientId;
    const outcome = await quota.consume(`${principal.realmId}:${caller}`);
    if (!outcome) return next();
    setRateLimitHeaders(res, outcome);
    if (outcome.allowed) return next();
    next(new ApiError(429, ERROR_MESSAGES.rateLimited(secondsBeforeReset(outcome))));
  };
}
