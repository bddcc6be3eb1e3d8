import type { BootstrapResult } from '../bootstrap/bootstrap.ts';
import { consoleUrl } from '../console/console.routes.ts';
import { createCommandLogger } from '../http/logger.ts';
import { startServer } from '../server.ts';
import { EXIT } from './cli-error.ts';
import { asCliError, loadCommandConfig } from './open-command-runtime.ts';
import { parseOptions } from './parse-options.ts';
import { untilSignal } from './until-signal.ts';

export const START_USAGE = `usage: realmkit start

Starts the server: the Management API, the OAuth 2.0 authorization server and /docs, on PORT
(default 8080). Without DATABASE_URL the data lives in the embedded database in
REALMKIT_DATA_DIR (default ./.realmkit). The port is taken first (a port in use: exit 3, nothing
written); then pending migrations are applied unless REALMKIT_MIGRATE=false. On the very first
start it prints the console's first admin and a bootstrap client's secret, once (lost them? stop
the server and run realmkit create-client / create-admin).
SIGTERM or SIGINT stop it gracefully (in-flight requests finish).
`;

/** `realmkit start`: runs until SIGTERM/SIGINT. */
export async function start(args: string[]): Promise<number> {
  parseOptions(args, {});
  const config = loadCommandConfig();
  const logger = await createCommandLogger(config.logLevel, 'stdout', config);
  const server = await startServer(config, logger).catch((error: unknown) => {
    throw asCliError(error, config);
  });

  const firstStart = firstStartLines(server.bootstrap, config.issuerUrl);
  // Printed once, to the terminal only: secrets and passwords are stored hashed and cannot be shown again.
  if (firstStart.length > 0) process.stdout.write(`${firstStart.join('\n')}\n`);
  logger.info(
    { port: server.port, issuer: config.issuerUrl, database: server.embedded ? 'embedded' : 'postgresql' },
    `Realmkit listening on ${config.issuerUrl}; console at ${consoleUrl(config.issuerUrl)}`,
  );

  const signal = await untilSignal();
  logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down: draining requests in flight');
  await server.close();
  logger.info('shut down');
  return EXIT.ok;
}

/** What the first start prints: the console's first admin and the bootstrap client, if it made them. */
function firstStartLines(bootstrap: BootstrapResult, issuerUrl: string): string[] {
  const { generatedAdmin: admin, generatedClient: client } = bootstrap;
  if (!admin && !client) return [];
  const lines = ['', '================ Realmkit first start ================'];
  if (admin) {
    lines.push(
      `Console: ${consoleUrl(issuerUrl)}`,
      'First admin (master realm, every management scope):',
      `  sign in as:    ${admin.username}  (or ${admin.email})`,
      `  password:      ${admin.password}`,
    );
  }
  if (client) {
    lines.push(
      'Bootstrap client (master realm, every management scope):',
      `  client_id:     ${client.clientId}`,
      `  client_secret: ${client.clientSecret}`,
    );
  }
  lines.push(
    'Save these now: they will not be shown again.',
    '=====================================================',
    '',
  );
  return lines;
}
