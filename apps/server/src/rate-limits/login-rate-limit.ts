import type { LoginGuard, LoginGuessing } from './login-guessing.service.ts';
import type { Quota } from './quota.ts';
import { secondsBeforeReset } from './rate-limit-headers.ts';

const NOTHING = async () => undefined;

/**
 * The login form's checks before a password is: the posts of one IP address across accounts (a
 * quota), then how long this address must still wait on this account after its failures
 * ({@link LoginGuessing}), both in the store of the other limits (Redis when configured).
 */
export function loginGuard(parts: { perIp?: Quota | undefined; guessing?: LoginGuessing | undefined }): LoginGuard {
  return async ({ account, ip }) => {
    const [perIp, guessing] = await Promise.all([parts.perIp?.consume(ip), parts.guessing?.attempt(account, ip)]);
    const refusal =
      perIp && !perIp.allowed
        ? { retryAfterSeconds: secondsBeforeReset(perIp), reason: 'ip' as const }
        : guessing && guessing.waitSeconds > 0
          ? { retryAfterSeconds: guessing.waitSeconds, reason: 'account' as const }
          : null;
    return {
      refusal,
      failed: guessing ? () => guessing.failed() : async () => 0,
      succeeded: guessing ? () => guessing.succeeded() : NOTHING,
      firstRefusal: guessing ? () => guessing.firstRefusal() : async () => false,
    };
  };
}
