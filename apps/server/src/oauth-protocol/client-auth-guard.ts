import type { Response } from 'express';

/**
 * The limits on one request's client authentication at the token, introspection and revocation
 * endpoints (decision 0022): the rate limits (rate-limits/client-auth-rate-limit.ts) put one on
 * the response before the endpoint runs, and `authenticateClient` (oauth/client-auth/) consults it
 * around the proof. Each method throws an `OAuthError` `rate_limited`, its `RateLimit-*` and
 * `Retry-After` headers already set, when the request must be refused.
 */
export interface ClientAuthGuard {
  /** Before the proof of `clientId` is checked: refuses when this address has failed too often. */
  admit(clientId: string): Promise<void>;
  /** The proof of `clientId` failed (`invalid_client`): counts the failure. */
  failed(clientId: string): Promise<void>;
  /** `clientId` authenticated: counts the request in the client's own quota, refusing past it. */
  succeeded(clientId: string): Promise<void>;
}

const GUARD = 'clientAuthGuard';

/** Puts `guard` on the response for the endpoint to find. */
export function guardClientAuth(res: Response, guard: ClientAuthGuard): void {
  res.locals[GUARD] = guard;
}

/** The guard the rate limits put on the response; none when they are off. */
export function clientAuthGuardOf(res: Response): ClientAuthGuard | undefined {
  return res.locals[GUARD] as ClientAuthGuard | undefined;
}
