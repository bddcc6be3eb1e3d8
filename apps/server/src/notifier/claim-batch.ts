import type { EntityManager } from '@mikro-orm/postgresql';
import { type ClaimedEvent, type ClaimedEventRow, toClaimedEvent } from './claimed-event.ts';

export interface ClaimOptions {
  /** At most this many events per claim. */
  batchSize: number;
  /** How long the events are this notifier's; after that another notifier takes them over. */
  leaseMs: number;
  /** Only this realm's events (tests, which share one database; debugging). */
  realmId?: string | undefined;
}

/**
 * Claims up to `batchSize` due events in one statement: pending ones whose `available_at` has
 * come, and processing ones whose holder's lease ran out (it died, or hung). `FOR UPDATE SKIP
 * LOCKED` lets several notifiers on one PostgreSQL claim side by side without ever taking the
 * same event; a row another notifier claimed a moment ago is re-checked against the `WHERE`
 * (READ COMMITTED) and so not taken again. Each claim bumps `attempts`, which then fences every
 * later write of this claim (see `event-outcomes.ts`).
 */
export async function claimBatch(em: EntityManager, options: ClaimOptions): Promise<ClaimedEvent[]> {
  const params: unknown[] = [options.leaseMs];
  let realmFilter = '';
  if (options.realmId !== undefined) {
    realmFilter = 'and realm_id = ?';
    params.push(options.realmId);
  }
  params.push(options.batchSize);
  const rows = await em.execute<ClaimedEventRow[]>(
    `update outbox_events
        set status = 'processing',
            locked_until = now() + (?::integer * interval '1 millisecond'),
            attempts = attempts + 1
      where id in (
        select id from outbox_events
         where ((status = 'pending' and available_at <= now())
             or (status = 'processing' and locked_until < now()))
           ${realmFilter}
         order by available_at
         limit ?::integer
         for update skip locked)
      returning id, realm_id, type, payload, attempts, completed_handlers, last_error, created_at`,
    params,
  );
  return rows.map(toClaimedEvent);
}
