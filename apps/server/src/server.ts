import { createServer } from 'node:http';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { BootstrapResult } from './bootstrap/bootstrap.ts';
import type { Clock } from './clock/clock.ts';
import { settlesWithin } from './clock/within.ts';
import type { Config } from './config/config.ts';
import { answerWhileStarting } from './health/while-starting.ts';
import { answerClientError } from './http/client-error.ts';
import { drainable } from './http/graceful-shutdown.ts';
import { createNotifier, type NotifierParts } from './notifier/create-notifier.ts';
import type { Notifier, NotifierOptions } from './notifier/notifier.ts';
import type { Resolve } from './outbound/safe-fetch.ts';
import { createRateLimits, type RateLimits } from './rate-limits/rate-limits.ts';
import { Pruner, pruneRules, schedulePruning } from './retention/pruner.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import type { Services } from './services.ts';

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
  /**
   * Point what holds the server's URL at this server's (default): every realm's Management API
   * indicator and console application (BootstrapOptions.followIssuerUrl). Test servers sharing one
   * database under different URLs turn it off, or each start would move the others'.
   */
  followIssuerUrl?: boolean;
  /** How fetches from client-named URLs resolve host names (tests map names to any address). */
  outboundResolve?: Resolve;
}

/**
 * Starts Realmkit: the port first, then the database (embedded PGlite unless `databaseUrl`),
 * migrations, first-start bootstrap, the app, the notifier unless `REALMKIT_NOTIFIER=off`, and the
 * pruning of expired rows (and of those past their retention) unless `REALMKIT_PRUNE_INTERVAL_SECONDS=0`. `close()` fails `/readyz`,
 * stops accepting, finishes in-flight requests (within `shutdownTimeoutMs`), the notifier's batch
 * and a pruning run, then closes the pool.
 */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  // The port is bound before anything is written: a port in use then fails the start with nothing
  // done, rather than after the first start made a client whose secret nobody would see. Until the
  // app is ready, requests get a 503 (`/healthz` a 200).
  const server = createServer();
  server.on('clientError', answerClientError);
  const whileStarting = answerWhileStarting();
  server.on('request', whileStarting);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let runtime: Runtime | undefined;
  let rateLimits: RateLimits | undefined;
  try {
    runtime = await openRuntime(config, logger, {
      bootstrap: 'full',
      clock: options.clock,
      followIssuerUrl: options.followIssuerUrl,
      outboundResolve: options.outboundResolve,
    });
    const opened = runtime;
    const { services } = opened;
    rateLimits = await createRateLimits(config.rateLimits, config.redisUrl, logger, config.loginGuessing);
    const app = createApp({
      services,
      logger,
      issuerUrl: config.issuerUrl,
      trustProxy: config.trustProxy,
      corsOrigins: config.corsOrigins,
      rateLimits,
      templatesDir: config.templatesDir,
    });
    server.off('request', whileStarting);
    server.on('request', app);
    const http = drainable(server);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const notifier =
      config.notifier === 'on'
        ? createNotifier(services, config, logger, options.notifier, options.notifierParts)
        : undefined;
    notifier?.start();
    const pruning =
      config.pruneIntervalSeconds > 0
        ? schedulePruning(
            new Pruner(services.orm, services.clock, { rules: pruneRules(config.retention) }),
            config.pruneIntervalSeconds,
            logger,
          )
        : undefined;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      services,
      bootstrap: opened.bootstrap,
      embedded: opened.embedded,
      notifier,
      async close() {
        services.readiness.markShuttingDown();
        const [drained] = await Promise.all([http.drain(config.shutdownTimeoutMs), notifier?.stop(), pruning?.stop()]);
        if (drained.cutRequests > 0) {
          logger.warn(
            { requests: drained.cutRequests, timeoutMs: config.shutdownTimeoutMs },
            'shutdown timeout: cut the connections of requests still in flight',
          );
        }
        // Sign-ins' audit entries are written after their pages answered: before the database closes.
        await services.auditLogs.settled();
        await rateLimits?.close();
        // Bounded: a pool client that is never released (a driver's race, a query that never
        // returns) must not keep a stopping server alive past its deadline.
        if (!(await settlesWithin(config.shutdownTimeoutMs, opened.close()))) {
          logger.warn(
            { timeoutMs: config.shutdownTimeoutMs },
            'shutdown timeout: the database pool did not close; stopping without it',
          );
        }
      },
    };
  } catch (error) {
    server.close();
    server.closeAllConnections();
    await rateLimits?.close();
    await runtime?.close();
    throw error;
  }
}
