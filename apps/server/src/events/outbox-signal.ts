/**
 * Tells the in-process notifier that outbox events were committed, so it delivers them now
 * instead of at its next poll. Without an in-process notifier (`REALMKIT_NOTIFIER=off`) it does
 * nothing: notifiers running as their own processes poll.
 *
 * @example
 * await em.transactional(async (tx) => { ...; addOutboxEvent(tx, realmId, type, payload); });
 * services.outbox.notify(); // after the commit, never inside the transaction
 */
export class OutboxSignal {
  readonly #listeners = new Set<() => void>();

  notify(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Calls `listener` on every `notify()`; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
