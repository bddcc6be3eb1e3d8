import type { EventEmitter } from 'node:events';

/** The parts of a `pg` pool client this module uses. */
interface PoolClient extends EventEmitter {
  release: (error?: Error | boolean) => void;
}

/** The parts of a `pg` pool this module uses. */
interface Pool extends EventEmitter {
  on(event: 'connect' | 'acquire', listener: (client: PoolClient) => void): this;
  on(event: 'release', listener: (error: Error | undefined, client: PoolClient) => void): this;
}

/** How long the holder of a connection that died has to release it before the pool takes it back. */
export const DEAD_CONNECTION_GRACE_MS = 1000;

/**
 * Returns to the pool connections that died while checked out and that nobody releases.
 *
 * Kysely (under MikroORM) leaks the pooled connection of a transaction whose BEGIN, COMMIT or
 * ROLLBACK fails (kysely-org/kysely#1990): exactly what a dropped database connection causes.
 * Each leak holds one of the pool's slots for good, so after a few database outages the pool is
 * exhausted and every request times out, until a restart. Here, a connection whose socket closed
 * and that is still checked out after a grace period is released with an error, which makes the
 * pool discard it; a later release by its holder is then ignored instead of throwing.
 */
export function releaseDeadConnections(pool: Pool, graceMs = DEAD_CONNECTION_GRACE_MS): void {
  const checkedOut = new Set<PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_error, client) => checkedOut.delete(client));
  pool.on('connect', (client) => {
    // pg-pool gives the client a new `release` at every checkout: keep it, behind a guard.
    let release: PoolClient['release'] | undefined;
    let released = false;
    Object.defineProperty(client, 'release', {
      configurable: true,
      enumerable: true,
      get: () => (error?: Error | boolean) => {
        if (!released) release?.(error);
      },
      set: (next: PoolClient['release']) => {
        release = next;
        released = false;
      },
    });
    client.once('end', () => {
      setTimeout(() => {
        if (!checkedOut.has(client) || !release) return;
        release(new Error('The database connection was lost and never released'));
        released = true;
      }, graceMs).unref();
    });
  });
}
