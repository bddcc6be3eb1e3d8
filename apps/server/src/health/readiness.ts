import { ERROR_MESSAGES, READINESS_TIMEOUT_SECONDS, type ReadinessCheck } from '@realmkit/contract';
import { migrations } from '../db/migrations/index.ts';
import { MIGRATIONS_TABLE, type Orm } from '../db/orm.ts';

/** How long `/readyz` waits for the database: a probe must answer well within its own timeout. */
export const READINESS_TIMEOUT_MS = READINESS_TIMEOUT_SECONDS * 1000;

/** A check that failed, and why. */
export interface ReadinessFailure {
  readonly check: ReadinessCheck;
  readonly message: string;
}

class Timeout extends Error {}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Timeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * What `/readyz` reports: the database answers, every migration this version ships is applied,
 * and no shutdown is under way. Cheap enough to be probed every few seconds by every load
 * balancer: one `select 1`, plus one read of the migrations table until it has once held every
 * migration (migrations are never unapplied by a running version, so that answer is kept).
 */
export class ReadinessService {
  readonly #orm: Orm;
  readonly #expected: readonly string[];
  readonly #timeoutMs: number;
  #migrationsApplied = false;
  #shuttingDown = false;

  constructor(orm: Orm, options: { expectedMigrations?: readonly string[]; timeoutMs?: number } = {}) {
    this.#orm = orm;
    this.#expected = options.expectedMigrations ?? migrations.map((migration) => migration.name);
    this.#timeoutMs = options.timeoutMs ?? READINESS_TIMEOUT_MS;
  }

  /** From now on, `/readyz` fails (`shutdown`), so that load balancers send no new traffic. */
  markShuttingDown(): void {
    this.#shuttingDown = true;
  }

  /** The checks that fail; empty when the instance is ready. */
  async failures(): Promise<ReadinessFailure[]> {
    const failures: ReadinessFailure[] = [];
    const database = await this.#databaseFailure();
    if (database) failures.push({ check: 'database', message: database });
    else {
      const pending = await this.#pendingMigrations();
      if (pending.length > 0) {
        failures.push({ check: 'migrations', message: `Pending migrations: ${pending.join(', ')}` });
      }
    }
    if (this.#shuttingDown) failures.push({ check: 'shutdown', message: 'This instance is shutting down' });
    return failures;
  }

  async #databaseFailure(): Promise<string | undefined> {
    try {
      await within(this.#timeoutMs, this.#orm.em.getConnection().execute('select 1'));
      return undefined;
    } catch (error) {
      return error instanceof Timeout
        ? ERROR_MESSAGES.databaseTimeout(this.#timeoutMs / 1000)
        : `The database is unreachable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  async #pendingMigrations(): Promise<string[]> {
    if (this.#migrationsApplied) return [];
    let applied: Set<string>;
    try {
      const rows: { name: string }[] = await within(
        this.#timeoutMs,
        this.#orm.em.getConnection().execute(`select name from "${MIGRATIONS_TABLE}"`),
      );
      applied = new Set(rows.map((row) => row.name));
    } catch {
      // No migrations table yet (or it cannot be read): nothing counts as applied.
      applied = new Set();
    }
    const pending = this.#expected.filter((name) => !applied.has(name));
    this.#migrationsApplied = pending.length === 0;
    return pending;
  }
}
