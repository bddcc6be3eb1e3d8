import { createLogger } from '../http/logger.ts';
import { startServer } from '../server.ts';
import { EXIT } from './cli-error.ts';
import { asCliError, loadCommandConfig } from './open-command-runtime.ts';
import { parseOptions } from './parse-options.ts';
import { untilSignal } from './until-signal.ts';

export const START_USAGE = `usage: realmkit start

Starts the server: the Management API, the OAuth 2.0 authorization server and /docs, on PORT
(default 8080). Without DATABASE_URL the data lives in the embedded database in
REALMKIT_DATA_DIR (default ./.realmkit). Pending migrations are applied first unless
REALMKIT_MIGRATE=false. On the very first start it prints a bootstrap client's secret, once.
SIGTERM or SIGINT stop it gracefully (in-flight requests finish).
`;

/** `realmkit start`: runs until SIGTERM/SIGINT. */
export async function start(args: string[]): Promise<number> {
  parseOptions(args, {});
  const config = loadCommandConfig();
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger).catch((error: unknown) => {
    throw asCliError(error, config);
  });

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

  const signal = await untilSignal();
  logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down: draining requests in flight');
  await server.close();
  logger.info('shut down');
  return EXIT.ok;
}
