import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from '../db/timestamps.ts';

export const OUTBOX_STATUSES = ['pending', 'processing', 'done', 'dead'] as const;

/**
 * An event written in the same transaction as the change it reports; the notifier delivers it
 * at least once, then marks it `done` (or `dead` after too many failures).
 */
export const OutboxEventEntity = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_events',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    type: p.text(),
    payload: p.json<Record<string, unknown>>(),
    status: p.enum(OUTBOX_STATUSES).default('pending'),
    attempts: p.integer().default(0),
    availableAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    /** While `processing`: when another notifier may take it over (the holder died). */
    lockedUntil: p.datetime().nullable(),
    /** Handlers that already succeeded, so that a retry does not repeat them. */
    completedHandlers: p.json<string[]>().default([]),
    lastError: p.text().nullable(),
    createdAt: createdAt(),
    processedAt: p.datetime().nullable(),
  },
  indexes: [
    { name: 'outbox_events_due', properties: ['availableAt'], where: "status in ('pending', 'processing')" },
    { name: 'outbox_events_dead', properties: ['createdAt'], where: "status = 'dead'" },
  ],
});
export type OutboxEvent = InferEntity<typeof OutboxEventEntity>;
