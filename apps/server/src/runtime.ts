import path from 'node:path';
import type { Logger } from 'pino';
import { type BootstrapOptions, type BootstrapResult, bootstrap } from './bootstrap/bootstrap.ts';
import type { Clock } from './clock/clock.ts';
import type { Config } from './config/config.ts';
import { loadSecretKeyring, type SecretKeyring } from './crypto/secret-key.ts';
import type { EmbeddedDatabase } from './db/embedded-database.ts';
import { createOrm, migrate } from './db/orm.ts';
import { entities } from './entities.ts';
import type { Resolve } from './outbound/safe-fetch.ts';
import { createServices, type Services } from './services.ts';

/** The database with every service on it: what the server and each `realmkit` command stand on. */
export interface Runtime {
  readonly services: Services;
  /** `REALMKIT_SECRET_KEY` and `REALMKIT_SECRET_KEY_PREVIOUS`. */
  readonly keyring: SecretKeyring;
  /** Set when the data lives in the embedded database (no `DATABASE_URL`). */
  readonly embedded: boolean;
  /** Migrations this opening applied. */
  readonly appliedMigrations: string[];
  readonly bootstrap: BootstrapResult;
  close(): Promise<void>;
}

export interface OpenRuntimeOptions {
  /** Pool size: the embedded database runs one query at a time, PostgreSQL many. */
  poolSize?: { embedded: number; postgres: number };
  /**
   * Run the first-start bootstrap (master realm, admin client); `'no-generated-client'` does it
   * without generating a client whose secret nobody would see (the `realmkit` commands).
   */
  bootstrap: 'full' | 'no-generated-client' | 'skip';
  /** What token times, key retirement and grace periods read (default: the system clock; tests move it). */
  clock?: Clock;
  /** See {@link BootstrapOptions.followIssuerUrl}; default true. */
  followIssuerUrl?: boolean | undefined;
  /** How outbound fetches resolve host names (tests: any name to any address, no packet sent). */
  outboundResolve?: Resolve | undefined;
}

const DEFAULT_POOL_SIZE = { embedded: 4, postgres: 10 };

/**
 * Opens the database (embedded PGlite in `dataDir` unless `databaseUrl`), applies pending
 * migrations unless `REALMKIT_MIGRATE=false`, wires the services and runs the bootstrap.
 */
export async function openRuntime(config: Config, logger: Logger, options: OpenRuntimeOptions): Promise<Runtime> {
  const secret = await loadSecretKeyring(config.secretKey, config.previousSecretKeys, config.dataDir);
  if (secret.source === 'generated') {
    logger.warn(
      { file: path.join(config.dataDir, 'secret.key') },
      'generated REALMKIT_SECRET_KEY into the data directory; every instance sharing this database needs the same key',
    );
  }
  if (secret.keyring.previous.length > 0) {
    logger.info(
      { secretKeyId: secret.keyring.current.id, previousSecretKeyIds: secret.keyring.previous.map((key) => key.id) },
      'previous secret keys configured: what they sealed is still read; `realmkit rotate-secret-key` seals it again with the current key',
    );
  }
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    // Imported only here: PGlite's modules are megabytes a server on PostgreSQL never runs.
    const { startEmbeddedDatabase } = await import('./db/embedded-database.ts');
    embedded = await startEmbeddedDatabase({
      dataDir: path.join(config.dataDir, 'pgdata'),
      maxConnections: poolSize.embedded + 1,
    });
  }
  try {
    const orm = await createOrm({
      databaseUrl: config.databaseUrl ?? (embedded as EmbeddedDatabase).url,
      entities,
      poolSize: embedded ? poolSize.embedded : poolSize.postgres,
      log: (message) => logger.debug(message),
    });
    try {
      const appliedMigrations = config.migrate ? await migrate(orm) : [];
      if (appliedMigrations.length > 0) logger.info({ migrations: appliedMigrations }, 'applied migrations');
      const services = createServices(orm, config.issuerUrl, secret.keyring, {
        clock: options.clock,
        outboundAllowLoopback: config.outboundAllowLoopback,
        outboundResolve: options.outboundResolve,
        passwordWork: config.passwordWork,
      });
      const bootstrapResult =
        options.bootstrap === 'skip'
          ? {}
          : await bootstrap(services, {
              ...bootstrapOptions(config, secret.keyring, options.bootstrap),
              followIssuerUrl: options.followIssuerUrl ?? true,
            });
      return {
        services,
        keyring: secret.keyring,
        embedded: Boolean(embedded),
        appliedMigrations,
        bootstrap: bootstrapResult,
        async close() {
          await orm.close();
          await embedded?.stop();
        },
      };
    } catch (error) {
      await orm.close();
      throw error;
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

function bootstrapOptions(
  config: Config,
  keyring: SecretKeyring,
  mode: 'full' | 'no-generated-client',
): BootstrapOptions {
  return {
    keyring,
    generateClient: mode === 'full',
    generateAdmin: mode === 'full',
    admin: config.bootstrapAdmin,
    client:
      config.bootstrapClientId && config.bootstrapClientSecret
        ? { clientId: config.bootstrapClientId, clientSecret: config.bootstrapClientSecret }
        : undefined,
  };
}
