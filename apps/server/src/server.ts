import type { Server } from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import { type BootstrapResult, bootstrap } from './bootstrap/bootstrap.ts';
import type { Config } from './config.ts';
import { loadSecretKey } from './crypto/secret-key.ts';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './db/embedded-database.ts';
import { createOrm, migrate } from './db/orm.ts';
import { entities } from './entities.ts';
import { drainable } from './http/graceful-shutdown.ts';
import { createNotifier, type NotifierParts } from './notifier/create-notifier.ts';
import type { Notifier, NotifierOptions } from './notifier/notifier.ts';
import { createServices, type Services } from './services.ts';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  readonly bootstrap: BootstrapResult;
  readonly embedded: boolean;
  /** The in-process notifier (`undefined` with `REALMKIT_NOTIFIER=off`). */
  readonly notifier: Notifier | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Tuning of the in-process notifier (tests: short lease and poll, one realm). */
  notifier?: Partial<NotifierOptions>;
  /** Replacements for the notifier's mailer or publisher (tests). */
  notifierParts?: NotifierParts;
}

/** Pool size: the embedded database runs one query at a time, PostgreSQL many. */
const POOL_SIZE = { embedded: 4, postgres: 10 };

/**
 * Starts Realmkit: database (embedded PGlite unless `databaseUrl`), migrations, first-start
 * bootstrap, HTTP, and the notifier unless `REALMKIT_NOTIFIER=off`. `close()` fails `/readyz`, stops
 * accepting, finishes in-flight requests (within `shutdownTimeoutMs`) and the notifier's batch,
 * then closes the pool.
 */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const secret = await loadSecretKey(config.secretKey, config.dataDir);
  if (secret.source === 'generated') {
    logger.warn(
      { file: path.join(config.dataDir, 'secret.key') },
      'generated REALMKIT_SECRET_KEY into the data directory; every instance sharing this database needs the same key',
    );
  }

  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedDatabase({
      dataDir: path.join(config.dataDir, 'pgdata'),
      maxConnections: POOL_SIZE.embedded + 1,
    });
  }
  try {
    const orm = await createOrm({
      databaseUrl: config.databaseUrl ?? (embedded as EmbeddedDatabase).url,
      entities,
      poolSize: embedded ? POOL_SIZE.embedded : POOL_SIZE.postgres,
      log: (message) => logger.debug(message),
    });
    if (config.migrate) {
      const applied = await migrate(orm);
      if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
    }
    const services = createServices(orm, config.issuerUrl, secret.key);
    const bootstrapResult = await bootstrap(services, {
      secretKey: secret.key,
      client:
        config.bootstrapClientId && config.bootstrapClientSecret
          ? { clientId: config.bootstrapClientId, clientSecret: config.bootstrapClientSecret }
          : undefined,
    });
    const app = createApp({
      services,
      logger,
      issuerUrl: config.issuerUrl,
      trustProxy: config.trustProxy,
      corsOrigins: config.corsOrigins,
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(config.port, () => resolve(listening));
      listening.once('error', reject);
    });
    const http = drainable(server);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const notifier =
      config.notifier === 'on'
        ? createNotifier(services, secret.key, config, logger, options.notifier, options.notifierParts)
        : undefined;
    notifier?.start();
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      services,
      bootstrap: bootstrapResult,
      embedded: Boolean(embedded),
      notifier,
      async close() {
        services.readiness.markShuttingDown();
        const [drained] = await Promise.all([http.drain(config.shutdownTimeoutMs), notifier?.stop()]);
        if (drained.cutRequests > 0) {
          logger.warn(
            { requests: drained.cutRequests, timeoutMs: config.shutdownTimeoutMs },
            'shutdown timeout: cut the connections of requests still in flight',
          );
        }
        await orm.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
