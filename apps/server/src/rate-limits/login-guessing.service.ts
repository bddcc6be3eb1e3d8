import { createHash } from 'node:crypto';
import type { LoginGuessingConfig } from '../config/rate-limit-config.ts';
import type { CounterStore } from './quota.ts';

/**
 * Whom a sign-in names: an existing user, by id (their email and username share one count, and an
 * administrator finds it), or an identifier that names nobody (a digest of the realm and the
 * identifier: what was typed on a public page is not kept as typed). Both are counted alike.
 */
export type SignInAccount = { readonly userId: string } | { readonly realmId: string; readonly identifier: string };

/**
 * The delay after `failures` failures when delays start at `threshold` failures: none before, then
 * the first delay, doubling with each failure, capped.
 */
export function delayAfter(
  failures: number,
  threshold: number,
  delays: Pick<LoginGuessingConfig, 'firstDelaySeconds' | 'maxDelaySeconds'>,
): number {
  if (failures < threshold) return 0;
  return Math.min(delays.firstDelaySeconds * 2 ** Math.min(failures - threshold, 30), delays.maxDelaySeconds);
}

/** What the store can say of a user's failed sign-ins (`GET /users/{id}/sign-in-failures`). */
export interface SignInFailureState {
  /** Failed sign-ins on the account from every address, counted since the first of the window. */
  readonly failures: number;
  readonly lastFailureAt: Date | null;
  /** When the count is forgotten. */
  readonly resetAt: Date | null;
  /** The end of the latest delay imposed on an address that failed (null once passed). */
  readonly delayedUntil: Date | null;
}

/** One sign-in attempt from one address at one account, once its delay has been read. */
export interface GuessingAttempt {
  /** Seconds this address must still wait before its password is checked on this account; 0 when it may try. */
  readonly waitSeconds: number;
  /** A wrong password (or no such account): counts it, and answers the delay it now imposes (0: none). */
  failed(): Promise<number>;
  /** A right password: this address's failures on the account are forgotten. */
  succeeded(): Promise<void>;
  /**
   * Whether this refused attempt is the first of this address on this account within the longest
   * delay: only those are audited, so a guessing loop writes a bounded number of entries.
   */
  firstRefusal(): Promise<boolean>;
}

/** What the login form learns before checking a password, and what it reports after. */
export interface LoginAttempt {
  /**
   * Why the password must not be checked now, and for how long: `ip`, the address's posts across
   * accounts (a quota); `account`, its delay after failing on this account. `null`: go on.
   */
  readonly refusal: { readonly retryAfterSeconds: number; readonly reason: 'ip' | 'account' } | null;
  failed(): Promise<number>;
  succeeded(): Promise<void>;
  firstRefusal(): Promise<boolean>;
}

/** Counts one login post from `ip` at `account` (rate-limits/login-rate-limit.ts). */
export type LoginGuard = (attempt: { account: SignInAccount; ip: string }) => Promise<LoginAttempt>;

function accountKeyOf(account: SignInAccount): string {
  if ('userId' in account) return `u:${account.userId}`;
  const digest = createHash('sha256').update(`${account.realmId}\n${account.identifier.trim().toLowerCase()}`);
  return `i:${digest.digest('base64url')}`;
}

/**
 * Slows password guessing without locking the real user out (docs/rate-limits.md, "Password
 * guessing"; decision 0020). Counted per account and client address, in the store of the rate
 * limits (Redis when configured). Keys, each under `realmkit:rl:login-guessing:`:
 *
 * - `g:<account>`: the account's generation, part of every other key: clearing bumps it, which
 *   forgets every address's counts at once (there is no listing the addresses that failed);
 * - `f:<account>:<gen>:<ip>` failures from one address, `w:…:<ip>` the end of its delay (epoch
 *   seconds, expiring with the delay), `r:…:<ip>` its refusals already audited;
 * - `a:<account>:<gen>` failures from every address, `l:…` the last one's time, `d:…` the latest delay's end.
 */
export class LoginGuessing {
  readonly #store: CounterStore;
  readonly #config: LoginGuessingConfig;

  constructor(store: CounterStore, config: LoginGuessingConfig) {
    this.#store = store;
    this.#config = config;
  }

  async #generationKey(account: string): Promise<string> {
    const generation = (await this.#store.get(`g:${account}`))?.value ?? 0;
    return `${account}:${generation}`;
  }

  /** Reads how long `ip` must still wait on `account`, and returns what to call with the outcome. */
  async attempt(account: SignInAccount, ip: string): Promise<GuessingAttempt> {
    const config = this.#config;
    const { failuresPerIp, failuresPerAccount, maxDelaySeconds, failureWindowSeconds } = config;
    const store = this.#store;
    const base = await this.#generationKey(accountKeyOf(account));
    const here = `${base}:${ip}`;
    const [fromHere, wait] = await Promise.all([store.get(`f:${here}`), store.get(`w:${here}`)]);
    const waitSeconds = wait && wait.msLeft > 0 ? Math.ceil(wait.msLeft / 1000) : 0;
    return {
      waitSeconds,
      async failed() {
        const now = Math.floor(Date.now() / 1000);
        const [fromIp, onAccount] = await Promise.all([
          store.increment(`f:${here}`, failureWindowSeconds),
          store.increment(`a:${base}`, failureWindowSeconds),
          store.set(`l:${base}`, now, failureWindowSeconds),
        ]);
        // An account guessed at from many addresses: each address that fails waits from its first failure.
        const threshold = (onAccount ?? 0) >= failuresPerAccount ? 1 : failuresPerIp;
        const delay = delayAfter(fromIp ?? (fromHere?.value ?? 0) + 1, threshold, config);
        if (delay > 0) {
          await Promise.all([store.set(`w:${here}`, now + delay, delay), store.set(`d:${base}`, now + delay, delay)]);
        }
        return delay;
      },
      async succeeded() {
        // Nothing to forget on the usual sign-in: no store round trip for it.
        if (!fromHere && waitSeconds === 0) return;
        await Promise.all([store.delete(`f:${here}`), store.delete(`w:${here}`)]);
      },
      async firstRefusal() {
        return (await store.increment(`r:${here}`, maxDelaySeconds)) === 1;
      },
    };
  }

  /** What the store holds of `userId`'s failed sign-ins. */
  async state(userId: string): Promise<SignInFailureState> {
    const base = await this.#generationKey(`u:${userId}`);
    const [onAccount, last, delayed] = await Promise.all([
      this.#store.get(`a:${base}`),
      this.#store.get(`l:${base}`),
      this.#store.get(`d:${base}`),
    ]);
    const now = Date.now();
    return {
      failures: onAccount?.value ?? 0,
      lastFailureAt: last ? new Date(last.value * 1000) : null,
      resetAt: onAccount && onAccount.msLeft > 0 ? new Date(now + onAccount.msLeft) : null,
      delayedUntil: delayed && delayed.msLeft > 0 ? new Date(delayed.value * 1000) : null,
    };
  }

  /**
   * Forgets `userId`'s failures from every address: a new generation (the current time in seconds,
   * always above the last), living as long as any key of the old one could, so that an old
   * generation's keys are never read again.
   */
  async clear(userId: string): Promise<void> {
    const key = `g:u:${userId}`;
    const current = (await this.#store.get(key))?.value ?? 0;
    const next = Math.max(Math.floor(Date.now() / 1000), current + 1);
    await this.#store.set(key, next, this.#config.failureWindowSeconds + this.#config.maxDelaySeconds);
  }
}
