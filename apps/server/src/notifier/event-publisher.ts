import type { ClaimedEvent } from './claimed-event.ts';
import type { EventHandler } from './event-handlers.ts';

/** What goes on the wire: the outbox row's stable fields, snake_case as in the API. */
export interface PublishedEvent {
  id: string;
  type: string;
  realm_id: string;
  created_at: string;
  payload: Record<string, unknown>;
}

export interface PublishResult {
  /** The broker already had this event id (a redelivery it deduplicated). */
  duplicate: boolean;
}

/**
 * A broker that outbox events are copied to (the scale-out path: consumers read the broker, not
 * the database). Delivery is at least once: `publish` may be called again for an event it
 * already published (the notifier died before recording it), so an implementation passes
 * `event.id` as the broker's deduplication key (JetStream `Nats-Msg-Id`; for Kafka, the record
 * key plus an idempotent producer, and consumers deduplicating by id). NATS JetStream is the
 * implementation shipped (`nats-publisher.ts`); docs/events.md says how a Kafka one plugs in.
 */
export interface EventPublisher {
  /** Recorded in `completed_handlers`, e.g. `nats`. */
  readonly name: string;
  publish(event: PublishedEvent): Promise<PublishResult>;
  close(): Promise<void>;
}

export function toPublishedEvent(event: ClaimedEvent): PublishedEvent {
  return {
    id: event.id,
    type: event.type,
    realm_id: event.realmId,
    created_at: event.createdAt.toISOString(),
    payload: event.payload,
  };
}

/** The handler that publishes every event through `publisher`. */
export function publishHandler(publisher: EventPublisher): EventHandler {
  return {
    name: publisher.name,
    async handle(event) {
      await publisher.publish(toPublishedEvent(event));
    },
  };
}
