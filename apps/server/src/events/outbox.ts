import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../db/ids.ts';
import { OutboxEventEntity } from './outbox-event.entity.ts';

/**
 * Adds an event to the outbox inside the caller's transaction: it exists if and only if the
 * change it reports was committed.
 *
 * @example
 * outbox.add(em, realmId, VERIFY_EMAIL_REQUESTED, payload);
 */
export function addOutboxEvent(em: EntityManager, realmId: string, type: string, payload: object): void {
  em.create(OutboxEventEntity, {
    id: newId(),
    realmId,
    type,
    payload: payload as Record<string, unknown>,
    status: 'pending',
    attempts: 0,
    completedHandlers: [],
  });
}
