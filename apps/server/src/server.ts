import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { BootstrapResult } from './bootstrap/bootstrap.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { createNotifier, type NotifierParts } from './notifier/create-notifier.ts';
import type { Notifier, NotifierOptions } from './notifier/notifier.ts';
import type { Services } from './services.ts';
import { openStore } from './store.ts';

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
  /** The time tokens, key retirement and secret grace periods read (tests: moved forward instead of sleeping). */
  clock?: Clock;
}

/**
 * Starts Realmkit: database (embedded PGlite unless `databaseUrl`), migrations, first-start
 * bootstrap, HTTP, and the notifier unless `REALMKIT_NOTIFIER=off`. `close()` stops accepting,
 * finishes in-flight requests and the notifier's batch, and closes the pool.
 */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const store = await openStore(config, logger, { bootstrap: 'full', clock: options.clock });
  const { services } = store;
  try {
    const app = createApp({ services, logger, issuerUrl: config.issuerUrl, trustProxy: config.trustProxy });
    const server = await new Promise<Server>((resolve, reject) => {
      // Express 5 hands a listen error (EADDRINUSE) to this callback instead of throwing it.
      const listening = app.listen(config.port, (error?: Error) => (error ? reject(error) : resolve(listening)));
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const notifier =
      config.notifier === 'on'
        ? createNotifier(services, store.secretKey, config, logger, options.notifier, options.notifierParts)
        : undefined;
    notifier?.start();
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      services,
      bootstrap: store.bootstrap,
      embedded: store.embedded,
      notifier,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await notifier?.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
