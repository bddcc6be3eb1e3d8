import type { Response } from 'express';
import { policyOf } from '../config/rate-limit-config.ts';
import type { QuotaOutcome } from './quota.ts';

/** Whole seconds until `outcome`'s window resets, at least 1. */
export function secondsBeforeReset(outcome: QuotaOutcome): number {
  return Math.max(1, Math.ceil(outcome.msBeforeReset / 1000));
}

/**
 * The outcome that decides a request checked against several quotas: a refusal if any refused
 * (the one that lasts longest), else the quota closest to running out, which is the one the
 * draft says to advertise.
 */
export function decisive(outcomes: readonly QuotaOutcome[]): QuotaOutcome | undefined {
  const refused = outcomes.filter((outcome) => !outcome.allowed);
  if (refused.length > 0) return refused.reduce((a, b) => (b.msBeforeReset > a.msBeforeReset ? b : a));
  return outcomes.reduce<QuotaOutcome | undefined>((a, b) => (!a || b.remaining < a.remaining ? b : a), undefined);
}

/**
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (delta seconds) and
 * `RateLimit-Policy`, as draft-ietf-httpapi-ratelimit-headers-06 defines them; `Retry-After`
 * (RFC 9110 §10.2.3) too when the request is refused.
 */
export function setRateLimitHeaders(res: Response, outcome: QuotaOutcome): void {
  const reset = String(secondsBeforeReset(outcome));
  res.set({
    'RateLimit-Limit': String(outcome.limit.points),
    'RateLimit-Remaining': String(outcome.remaining),
    'RateLimit-Reset': reset,
    'RateLimit-Policy': policyOf(outcome.limit),
    ...(outcome.allowed ? {} : { 'Retry-After': reset }),
  });
}
