import type { EntityManager } from '@mikro-orm/postgresql';
import type { ClaimedEvent } from './claimed-event.ts';

// Every write below names the claim by (id, attempts) and requires `processing`: a notifier
// whose lease ran out and whose event was taken over (attempts bumped again) changes nothing.
// Each returns whether it still held the claim.

const CLAIM = "id = ? and attempts = ? and status = 'processing'";

async function update(em: EntityManager, sql: string, params: unknown[]): Promise<boolean> {
  const result = await em.execute(sql, params, 'run');
  return (result as { affectedRows?: number }).affectedRows === 1;
}

/** Records that `handler` succeeded, so that a retry of the event does not run it again. */
export function recordHandlerDone(em: EntityManager, event: ClaimedEvent, handler: string): Promise<boolean> {
  return update(
    em,
    `update outbox_events set completed_handlers = completed_handlers || jsonb_build_array(?::text) where ${CLAIM}`,
    [handler, event.id, event.attempts],
  );
}

/** Every handler succeeded. */
export function markDone(em: EntityManager, event: ClaimedEvent): Promise<boolean> {
  return update(
    em,
    `update outbox_events set status = 'done', processed_at = now(), locked_until = null where ${CLAIM}`,
    [event.id, event.attempts],
  );
}

/** A handler failed: back to `pending`, due again in `delayMs`. */
export function retryLater(em: EntityManager, event: ClaimedEvent, error: string, delayMs: number): Promise<boolean> {
  return update(
    em,
    `update outbox_events
        set status = 'pending', locked_until = null, last_error = ?,
            available_at = now() + (?::integer * interval '1 millisecond')
      where ${CLAIM}`,
    [error, Math.round(delayMs), event.id, event.attempts],
  );
}

/** Out of attempts (or undeliverable): `dead` until an operator requeues it. */
export function markDead(em: EntityManager, event: ClaimedEvent, error: string): Promise<boolean> {
  return update(em, `update outbox_events set status = 'dead', locked_until = null, last_error = ? where ${CLAIM}`, [
    error,
    event.id,
    event.attempts,
  ]);
}
