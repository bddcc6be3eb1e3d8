import { createHash } from 'node:crypto';
import type { Quota, QuotaOutcome } from './quota.ts';
import { decisive, secondsBeforeReset } from './rate-limit-headers.ts';

/**
 * Counts one login attempt at `account` (a realm's id and the identifier typed, compared as
 * lower case) from `ip`: `null` when it may go on, else how long to wait, in seconds.
 */
export type LoginRateLimit = (attempt: { realmId: string; identifier: string; ip: string }) => Promise<{
  retryAfterSeconds: number;
} | null>;

/**
 * The login form's limits, per account and per IP address, in the store of the other limits (Redis
 * when configured, so instances share them). The account key is a digest: identifiers typed on a
 * public page are not kept in Redis as they were typed.
 */
export function loginRateLimit(quotas: { perAccount?: Quota | undefined; perIp?: Quota | undefined }): LoginRateLimit {
  return async ({ realmId, identifier, ip }) => {
    const account = createHash('sha256').update(`${realmId}\n${identifier.trim().toLowerCase()}`).digest('base64url');
    const counting: Promise<QuotaOutcome | undefined>[] = [];
    if (quotas.perIp) counting.push(quotas.perIp.consume(ip));
    if (quotas.perAccount) counting.push(quotas.perAccount.consume(account));
    const outcome = decisive((await Promise.all(counting)).filter((o): o is QuotaOutcome => o !== undefined));
    return outcome && !outcome.allowed ? { retryAfterSeconds: secondsBeforeReset(outcome) } : null;
  };
}
