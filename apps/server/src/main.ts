// `npm start`: runs Realmkit with configuration from the environment.

import { SecretKeyMismatchError } from './bootstrap/bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './http/logger.ts';
import { startServer } from './server.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);

  const generated = server.bootstrap.generatedClient;
  if (generated) {
    // Printed once, to the terminal only: the secret is stored as a keyed hash and cannot be shown again.
    process.stdout.write(
      [
        '',
        '================ Realmkit first start ================',
        'Bootstrap client (master realm, every management scope).',
        'Save the secret now: it will not be shown again.',
        `  client_id:     ${generated.clientId}`,
        `  client_secret: ${generated.clientSecret}`,
        '=====================================================',
        '',
      ].join('\n'),
    );
  }
  logger.info(
    { port: server.port, issuer: config.issuerUrl, database: server.embedded ? 'embedded' : 'postgresql' },
    `Realmkit listening on ${config.issuerUrl}`,
  );

  // SIGTERM (orchestrators) or Ctrl-C: drain, then exit 0. A second signal exits at once.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down: draining requests in flight');
    await server.close();
    logger.info('shut down');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof SecretKeyMismatchError) {
    process.stderr.write(`realmkit: ${error.message}\n`);
  } else {
    process.stderr.write(
      `realmkit: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
