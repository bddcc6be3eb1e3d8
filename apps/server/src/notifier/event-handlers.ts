import type { ClaimedEvent } from './claimed-event.ts';

/**
 * Does one thing with an event (send an email, publish it). Named: the name is recorded in the
 * event's `completed_handlers` once it succeeds, so a retry of the event skips it. It must
 * throw to fail (the event is retried); returning means done, including "nothing to do".
 */
export interface EventHandler {
  readonly name: string;
  handle(event: ClaimedEvent): Promise<void>;
}

/** A failure that no retry can fix (a malformed payload): the event goes `dead` at once. */
export class PermanentEventError extends Error {
  override name = 'PermanentEventError';
}

/** Which handlers an event type gets, in order: its own, then those for every event. */
export class EventHandlers {
  readonly #byType = new Map<string, EventHandler[]>();
  readonly #everyEvent: EventHandler[] = [];

  on(type: string, handler: EventHandler): this {
    this.#assertUnique(handler.name, this.#byType.get(type) ?? []);
    this.#byType.set(type, [...(this.#byType.get(type) ?? []), handler]);
    return this;
  }

  onEvery(handler: EventHandler): this {
    for (const handlers of [this.#everyEvent, ...this.#byType.values()]) this.#assertUnique(handler.name, handlers);
    this.#everyEvent.push(handler);
    return this;
  }

  for(type: string): EventHandler[] {
    return [...(this.#byType.get(type) ?? []), ...this.#everyEvent];
  }

  #assertUnique(name: string, handlers: readonly EventHandler[]): void {
    if ([...handlers, ...this.#everyEvent].some((handler) => handler.name === name)) {
      throw new Error(`two event handlers named ${name}`);
    }
  }
}
