import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Orm } from '../db/orm.ts';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { claimBatch } from './claim-batch.ts';
import type { ClaimedEvent } from './claimed-event.ts';
import type { EventHandlers } from './event-handlers.ts';
import { PermanentEventError } from './event-handlers.ts';
import { markDead, markDone, recordHandlerDone, retryLater } from './event-outcomes.ts';

export interface NotifierOptions {
  /** Events claimed at once (and handled concurrently). */
  batchSize: number;
  /** How long a claim lasts; a notifier that died loses its events to another after this. */
  leaseMs: number;
  /** How often an idle notifier looks for due events; `wake()` looks at once. */
  pollIntervalMs: number;
  /** Attempts before an event goes `dead`. */
  maxAttempts: number;
  backoff: BackoffOptions;
  /** Only this realm's events (tests, which share one database; debugging). */
  realmId?: string | undefined;
}

export const DEFAULT_NOTIFIER_OPTIONS: NotifierOptions = {
  batchSize: 10,
  leaseMs: 60_000,
  pollIntervalMs: 1_000,
  maxAttempts: 8,
  // 15 s, 30 s, 1 min, ... 16 min: about half an hour from the first failure to `dead`.
  backoff: { baseMs: 15_000, maxMs: 30 * 60_000 },
};

/** What one batch did (for tests and logs). */
export interface BatchResult {
  claimed: number;
  done: number;
  retried: number;
  dead: number;
  /** Outcomes not recorded because the claim had been lost (lease expired and taken over). */
  lost: number;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.length > 2000 ? `${message.slice(0, 2000)}…` : message;
}

/**
 * Delivers outbox events at least once: claims a batch (`claim-batch.ts`), runs each event's
 * handlers that have not succeeded yet, records each success, then marks the event `done`; on a
 * failure, `pending` again after a backoff, or `dead` after `maxAttempts`. `start()` runs the
 * loop (poll every `pollIntervalMs`, at once on `wake()`); `stop()` finishes the current batch.
 */
export class Notifier {
  readonly #orm: Orm;
  readonly #handlers: EventHandlers;
  readonly #logger: Logger;
  readonly #dispose: () => Promise<void>;
  readonly options: NotifierOptions;
  #running = false;
  #loop: Promise<void> | undefined;
  #woken = false;
  #wakeUp: (() => void) | undefined;

  constructor(
    orm: Orm,
    handlers: EventHandlers,
    logger: Logger,
    options: Partial<NotifierOptions> = {},
    dispose: () => Promise<void> = async () => {},
  ) {
    this.#orm = orm;
    this.#handlers = handlers;
    this.#logger = logger;
    this.#dispose = dispose;
    this.options = { ...DEFAULT_NOTIFIER_OPTIONS, ...options };
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.#loop) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Looks for due events now instead of at the next poll (call after committing an event). */
  wake(): void {
    this.#woken = true;
    this.#wakeUp?.();
  }

  /** Finishes the batch in hand, stops the loop, closes the mailer and publisher. */
  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
    this.#loop = undefined;
    await this.#dispose();
  }

  /** Claims one batch and handles it; the loop's body, public for tests and one-shot runs. */
  async runOnce(): Promise<BatchResult> {
    const events = await claimBatch(this.#em(), this.options);
    const result: BatchResult = { claimed: events.length, done: 0, retried: 0, dead: 0, lost: 0 };
    const outcomes = await Promise.all(events.map((event) => this.#handle(event)));
    for (const outcome of outcomes) result[outcome] += 1;
    if (events.length > 0) this.#logger.debug(result, 'notifier batch');
    return result;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#woken = false;
      let full = false;
      try {
        full = (await this.runOnce()).claimed >= this.options.batchSize;
      } catch (error) {
        this.#logger.warn({ err: error }, 'notifier could not claim events; will retry');
      }
      if (this.#running && !full) await this.#sleep();
    }
  }

  #sleep(): Promise<void> {
    if (this.#woken) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      this.#wakeUp = done;
    });
  }

  #em(): EntityManager {
    return this.#orm.em.fork();
  }

  async #handle(event: ClaimedEvent): Promise<'done' | 'retried' | 'dead' | 'lost'> {
    const log = this.#logger.child({ eventId: event.id, type: event.type, attempt: event.attempts });
    const em = this.#em();
    try {
      if (event.attempts > this.options.maxAttempts) {
        // Its last holder claimed it and never finished (crashed, or hung past the lease): give up.
        const reason = `abandoned after ${event.attempts - 1} attempts; last error: ${event.lastError ?? 'none (the notifier holding it stopped or hung)'}`;
        return (await this.#dead(em, event, reason, log)) ? 'dead' : 'lost';
      }
      for (const handler of this.#handlers.for(event.type)) {
        if (event.completedHandlers.includes(handler.name)) continue;
        try {
          await handler.handle(event);
        } catch (error) {
          const message = `${handler.name}: ${errorMessage(error)}`;
          if (error instanceof PermanentEventError || event.attempts >= this.options.maxAttempts) {
            return (await this.#dead(em, event, message, log)) ? 'dead' : 'lost';
          }
          const delay = backoffDelay(event.attempts, this.options.backoff);
          log.warn({ handler: handler.name, err: error, retryInMs: delay }, 'event handler failed; will retry');
          return (await retryLater(em, event, message, delay)) ? 'retried' : 'lost';
        }
        if (!(await recordHandlerDone(em, event, handler.name))) return this.#lost(log);
      }
      return (await markDone(em, event)) ? 'done' : this.#lost(log);
    } catch (error) {
      // The database failed us: the lease expires and the event is claimed again.
      log.warn({ err: error }, 'could not record the outcome of an event; it will be retried after its lease');
      return 'lost';
    }
  }

  async #dead(em: EntityManager, event: ClaimedEvent, reason: string, log: Logger): Promise<boolean> {
    const recorded = await markDead(em, event, reason);
    if (recorded) {
      log.error(
        { realmId: event.realmId, attempts: event.attempts, lastError: reason },
        'outbox event is dead (gave up); see `npm run notifier -- --dead` and docs/events.md to requeue',
      );
    }
    return recorded;
  }

  #lost(log: Logger): 'lost' {
    log.warn('lost the claim on an event (lease expired; another notifier has it)');
    return 'lost';
  }
}
