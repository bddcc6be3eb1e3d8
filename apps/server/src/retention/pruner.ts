import { SESSION_IDLE_TTL_SECONDS } from '@realmkit/contract';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';
import type { RetentionConfig } from '../config/retention-config.ts';
import type { Orm } from '../db/orm.ts';
import { type OnConnection, onOneConnection } from '../db/statement.ts';

/**
 * What retention deletes: the rows of `table` matching `where`, an SQL condition in which `$now`
 * stands for the time of the run. Every table here has a `realm_id`. A new kind of expiring row is
 * one line.
 */
export interface PruneRule {
  readonly table: string;
  readonly where: string;
}

export const PRUNE_RULES: readonly PruneRule[] = [
  // The two ways a session ends (SessionService.find): its absolute end, or too long unused.
  {
    table: 'sessions',
    where: `expires_at <= $now or last_active_at <= $now - interval '${SESSION_IDLE_TTL_SECONDS} seconds'`,
  },
  { table: 'authorization_codes', where: 'expires_at <= $now' },
  // Used and revoked ones are kept until they expire: presenting one revokes its family (reuse detection).
  { table: 'refresh_tokens', where: 'expires_at <= $now' },
  { table: 'revoked_access_tokens', where: 'expires_at <= $now' },
  { table: 'email_verifications', where: 'expires_at <= $now' },
  { table: 'password_resets', where: 'expires_at <= $now' },
  // Past its `exp` an assertion is refused anyway: its jti need not be remembered.
  { table: 'client_assertion_jtis', where: 'expires_at <= $now' },
  // Past its window a DPoP proof is refused by its iat or its nonce: its jti need not be remembered.
  { table: 'dpop_proof_jtis', where: 'expires_at <= $now' },
  // Past IDEMPOTENCY_KEY_TTL_HOURS a key is forgotten anyway (a claim replaces it).
  { table: 'idempotency_keys', where: 'expires_at <= $now' },
];

/**
 * {@link PRUNE_RULES}, and the rows kept for a while as a record (audit entries, delivered and dead
 * outbox events) as long as `retention` says; a kind kept forever has no rule. Events still to
 * deliver are never pruned.
 */
export function pruneRules(retention: RetentionConfig): PruneRule[] {
  const olderThan = (column: string, seconds: number) => `${column} <= $now - interval '${seconds} seconds'`;
  const { auditLogSeconds, outboxDoneSeconds, outboxDeadSeconds } = retention;
  return [
    ...PRUNE_RULES,
    ...(auditLogSeconds === undefined
      ? []
      : [{ table: 'audit_logs', where: olderThan('created_at', auditLogSeconds) }]),
    ...(outboxDoneSeconds === undefined
      ? []
      : [{ table: 'outbox_events', where: `status = 'done' and ${olderThan('processed_at', outboxDoneSeconds)}` }]),
    // `created_at`, which the dead events' index (outbox_events_dead) covers: a dead event was
    // given up on within hours of its creation (the notifier's backoff).
    ...(outboxDeadSeconds === undefined
      ? []
      : [{ table: 'outbox_events', where: `status = 'dead' and ${olderThan('created_at', outboxDeadSeconds)}` }]),
  ];
}

/** The `pg_try_advisory_lock` key every instance prunes under ("rkPr"). */
export const PRUNE_LOCK_KEY = 0x726b5072;

/** Rows deleted per statement: each is a short write, never a long lock on a big table. */
export const PRUNE_BATCH_SIZE = 1000;

/** What one run did: whether it ran (another instance held the lock: it did not), and rows deleted per table (summed over its rules). */
export interface PruneResult {
  ran: boolean;
  deleted: Record<string, number>;
}

export interface PrunerOptions {
  rules?: readonly PruneRule[];
  batchSize?: number;
  /** Only this realm's rows (tests, which share one database). */
  realmId?: string | undefined;
}

/**
 * Deletes expired sessions, codes, tokens and idempotency keys (PRUNE_RULES), and audit entries and
 * outbox events past their retention ({@link pruneRules}), in batches, under a PostgreSQL advisory
 * lock held on one connection, so that of several instances one prunes and the others skip. On
 * PGlite every connection is one database session (the lock is re-entrant there), and one process
 * owns the database: this instance's own runs never overlap either.
 */
export class Pruner {
  readonly #orm: Orm;
  readonly #clock: Clock;
  readonly #rules: readonly PruneRule[];
  readonly #batchSize: number;
  readonly #realmId: string | undefined;
  #running: Promise<PruneResult> | undefined;

  constructor(orm: Orm, clock: Clock, options: PrunerOptions = {}) {
    this.#orm = orm;
    this.#clock = clock;
    this.#rules = options.rules ?? PRUNE_RULES;
    this.#batchSize = options.batchSize ?? PRUNE_BATCH_SIZE;
    this.#realmId = options.realmId;
  }

  /** One run; `ran: false` when another instance (or this one) is pruning already. */
  prune(): Promise<PruneResult> {
    if (this.#running) return Promise.resolve({ ran: false, deleted: {} });
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** The run in progress, if any (shutdown waits for it). */
  get running(): Promise<unknown> | undefined {
    return this.#running;
  }

  #run(): Promise<PruneResult> {
    return onOneConnection(this.#orm, async (run) => {
      const [lock] = await run<{ locked: boolean }>('select pg_try_advisory_lock(?) as locked', [PRUNE_LOCK_KEY]);
      if (!lock?.locked) return { ran: false, deleted: {} };
      try {
        const now = new Date(this.#clock());
        const deleted: Record<string, number> = {};
        for (const rule of this.#rules) {
          deleted[rule.table] = (deleted[rule.table] ?? 0) + (await this.#pruneTable(run, rule, now));
        }
        return { ran: true, deleted };
      } finally {
        await run('select pg_advisory_unlock(?)', [PRUNE_LOCK_KEY]);
      }
    });
  }

  async #pruneTable(run: OnConnection, rule: PruneRule, now: Date): Promise<number> {
    const occurrences = rule.where.split('$now').length - 1;
    let where = `(${rule.where.replaceAll('$now', '?::timestamptz')})`;
    const params: unknown[] = Array.from({ length: occurrences }, () => now);
    if (this.#realmId !== undefined) {
      where += ' and realm_id = ?';
      params.push(this.#realmId);
    }
    const sql = `with pruned as (
        delete from ${rule.table}
         where ctid = any(array(select ctid from ${rule.table} where ${where} limit ${this.#batchSize}))
        returning 1
      ) select count(*) as count from pruned`;
    let total = 0;
    for (;;) {
      const [row] = await run<{ count: string | number }>(sql, params);
      const count = Number(row?.count ?? 0);
      total += count;
      if (count < this.#batchSize) return total;
    }
  }
}

/** A running schedule of {@link Pruner} runs; `stop()` cancels the next and waits for the current one. */
export interface PruneSchedule {
  stop(): Promise<void>;
}

/** The first run comes this soon after start (or after the interval, if shorter): restarts do not postpone it forever. */
const FIRST_RUN_MS = 60_000;

/** Runs `pruner` every `intervalSeconds`, logging what it deleted; a failed run is logged and the next one tried. */
export function schedulePruning(pruner: Pruner, intervalSeconds: number, logger: Logger): PruneSchedule {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const next = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        const result = await pruner.prune();
        const total = Object.values(result.deleted).reduce((sum, count) => sum + count, 0);
        if (total > 0) logger.info({ deleted: result.deleted }, 'pruned rows past their expiry or retention');
        else logger.debug({ ran: result.ran }, 'pruning: nothing expired');
      } catch (error) {
        logger.warn({ err: error }, 'pruning failed; it runs again at the next interval');
      }
      next(intervalSeconds * 1000);
    }, ms);
    timer.unref();
  };
  next(Math.min(FIRST_RUN_MS, intervalSeconds * 1000));
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pruner.running?.catch(() => undefined);
    },
  };
}
