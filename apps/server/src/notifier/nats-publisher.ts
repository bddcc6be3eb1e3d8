import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { EventPublisher, PublishedEvent, PublishResult } from './event-publisher.ts';

/** The stream every Realmkit event goes to; created (file storage) if missing. */
export const NATS_STREAM = 'REALMKIT_EVENTS';
export const NATS_SUBJECT_PREFIX = 'realmkit.events';
/** How long JetStream remembers message ids to drop redeliveries: well past a lease plus a retry. */
const DUPLICATE_WINDOW_NS = 30 * 60 * 1e9;
const TIMEOUT_MS = 5_000;

/** `realmkit.events.<type>`, e.g. `realmkit.events.user.verify_email_requested`. */
export function natsSubject(type: string): string {
  return `${NATS_SUBJECT_PREFIX}.${type}`;
}

type JetStreamModule = typeof import('@nats-io/jetstream');

interface Client {
  nc: NatsConnection;
  js: JetStreamClient;
}

/** `nats://user:pass@host:4222` → server list and credentials (a lone user name is a token). */
function connectionOptions(eventsUrl: string) {
  const url = new URL(eventsUrl);
  const credentials = url.password
    ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
    : url.username
      ? { token: decodeURIComponent(url.username) }
      : {};
  return { servers: `${url.hostname}:${url.port || 4222}`, ...credentials };
}

/**
 * Publishes outbox events to NATS JetStream, subject `realmkit.events.<type>`, stream
 * `REALMKIT_EVENTS`, message id = event id (so JetStream drops a redelivery within its
 * duplicate window). One connection, opened on first use and kept (the client reconnects by
 * itself); a failed connect fails the publish, and the event is retried with backoff.
 */
export class NatsJetStreamPublisher implements EventPublisher {
  readonly name = 'nats';
  readonly #url: string;
  readonly #logger: Logger;
  #client: Promise<Client> | undefined;

  constructor(eventsUrl: string, logger: Logger) {
    this.#url = eventsUrl;
    this.#logger = logger;
  }

  async publish(event: PublishedEvent): Promise<PublishResult> {
    const { js } = await this.#connected();
    const ack = await js.publish(natsSubject(event.type), JSON.stringify(event), {
      msgID: event.id,
      timeout: TIMEOUT_MS,
    });
    return { duplicate: ack.duplicate };
  }

  async close(): Promise<void> {
    const client = await this.#client?.catch(() => undefined);
    this.#client = undefined;
    if (client && !client.nc.isClosed()) await client.nc.drain();
  }

  async #connected(): Promise<Client> {
    if (this.#client) {
      const client = await this.#client.catch(() => undefined);
      if (client && !client.nc.isClosed()) return client;
    }
    const connecting = this.#connect();
    this.#client = connecting;
    connecting.catch(() => {
      if (this.#client === connecting) this.#client = undefined;
    });
    return connecting;
  }

  async #connect(): Promise<Client> {
    // Imported on the first connection: a server that publishes no event never loads the client.
    const [{ connect }, jsModule] = await Promise.all([
      import('@nats-io/transport-node'),
      import('@nats-io/jetstream'),
    ]);
    const nc = await connect({
      ...connectionOptions(this.#url),
      name: 'realmkit-notifier',
      timeout: TIMEOUT_MS,
      maxReconnectAttempts: -1,
    });
    try {
      await this.#ensureStream(nc, jsModule);
      this.#logger.info({ server: nc.getServer(), stream: NATS_STREAM }, 'connected to NATS JetStream');
      return { nc, js: jsModule.jetstream(nc, { timeout: TIMEOUT_MS }) };
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  async #ensureStream(
    nc: NatsConnection,
    { jetstreamManager, JetStreamApiError, JetStreamApiCodes }: JetStreamModule,
  ): Promise<void> {
    const jsm = await jetstreamManager(nc, { timeout: TIMEOUT_MS });
    try {
      await jsm.streams.info(NATS_STREAM);
      return;
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    }
    try {
      await jsm.streams.add({
        name: NATS_STREAM,
        subjects: [`${NATS_SUBJECT_PREFIX}.>`],
        duplicate_window: DUPLICATE_WINDOW_NS,
      });
      this.#logger.info({ stream: NATS_STREAM }, 'created the NATS JetStream stream');
    } catch (error) {
      // Another notifier created it in the meantime.
      await jsm.streams.info(NATS_STREAM).catch(() => {
        throw error;
      });
    }
  }
}
