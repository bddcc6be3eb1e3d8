import { ERROR_MESSAGES } from '@realmkit/contract';
import type { PasswordWorkLimits } from '../config/password-work-config.ts';
import { ApiError } from '../errors/api-error.ts';

/** Seconds a client is told to wait after a 503 `password_checks_busy`: a full queue drains in well under it. */
export const PASSWORD_BUSY_RETRY_AFTER_SECONDS = 1;

/** 503 `password_checks_busy`: this instance already has as many password hashes and checks waiting as it takes. */
export class PasswordChecksBusyError extends ApiError<503> {
  constructor() {
    super(503, ERROR_MESSAGES.passwordChecksBusy, {
      code: 'password_checks_busy',
      headers: { 'Retry-After': String(PASSWORD_BUSY_RETRY_AFTER_SECONDS) },
    });
  }
}

interface Waiter {
  readonly key: string;
  readonly start: () => void;
  readonly refuse: () => void;
  timer?: NodeJS.Timeout;
}

/**
 * The gate every password hash and check passes (argon2id, bcrypt; the Management API, the users
 * API by realm name, sign-in, password changes and resets): at most `concurrency` run at once, so
 * that a storm of checks cannot take libuv's pool (and argon2's memory) from the rest of the
 * server, and at most `maxWaiting` wait, each for `maxWaitMs` at most; the rest are refused with
 * {@link PasswordChecksBusyError} at once.
 *
 * Realms share it fairly: waiting turns go round the realms that have work waiting, one each, and
 * a full queue makes room for a realm by refusing the newest waiter of the realm with the most
 * waiting. One realm's storm fills the queue only while no other realm waits.
 */
export class PasswordWork {
  readonly #limits: PasswordWorkLimits;
  #running = 0;
  #waiting = 0;
  /** Each realm's waiters, oldest first; the map's order is the round's (a served realm goes to its end). */
  readonly #queues = new Map<string, Waiter[]>();

  constructor(limits: PasswordWorkLimits) {
    this.#limits = limits;
  }

  /** Runs `work` (one hash or check, for the realm `key`) when its turn comes; throws PasswordChecksBusyError instead. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    if (this.#running < this.#limits.concurrency && this.#waiting === 0) this.#running++;
    else await this.#turn(key);
    try {
      return await work();
    } finally {
      this.#running--;
      this.#next();
    }
  }

  /** How many hashes and checks run, and how many wait, now. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting };
  }

  /** Resolves once `key` holds a slot (taken for it by {@link #next}); rejects when it may not wait. */
  #turn(key: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#waiting >= this.#limits.maxWaiting && !this.#makeRoomFor(key)) {
        reject(new PasswordChecksBusyError());
        return;
      }
      const waiter: Waiter = { key, start: resolve, refuse: () => reject(new PasswordChecksBusyError()) };
      waiter.timer = setTimeout(() => {
        this.#remove(waiter);
        waiter.refuse();
      }, this.#limits.maxWaitMs);
      const queue = this.#queues.get(key);
      if (queue) queue.push(waiter);
      else this.#queues.set(key, [waiter]);
      this.#waiting++;
    });
  }

  /**
   * Room in a full queue for one more waiter of `key`: the newest waiter of the realm with the most
   * waiting is refused, when that realm has at least two more than `key` (so that shares even out
   * and never swap back and forth). False when `key`'s share is already as large.
   */
  #makeRoomFor(key: string): boolean {
    let longest: Waiter[] | undefined;
    for (const queue of this.#queues.values()) if (!longest || queue.length > longest.length) longest = queue;
    const own = this.#queues.get(key)?.length ?? 0;
    const evicted = longest && longest.length > own + 1 ? longest.at(-1) : undefined;
    if (!evicted) return false;
    this.#remove(evicted);
    evicted.refuse();
    return true;
  }

  #remove(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    const queue = this.#queues.get(waiter.key);
    const index = queue?.indexOf(waiter) ?? -1;
    if (!queue || index < 0) return;
    queue.splice(index, 1);
    if (queue.length === 0) this.#queues.delete(waiter.key);
    this.#waiting--;
  }

  /** Gives free slots to waiters, one realm after another. */
  #next(): void {
    while (this.#running < this.#limits.concurrency && this.#waiting > 0) {
      const [key, queue] = this.#queues.entries().next().value as [string, Waiter[]];
      const waiter = queue[0] as Waiter;
      this.#remove(waiter);
      // Round robin: the realm just served goes behind the others that wait.
      if (queue.length > 0) {
        this.#queues.delete(key);
        this.#queues.set(key, queue);
      }
      this.#running++;
      waiter.start();
    }
  }
}
