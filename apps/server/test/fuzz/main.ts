/**
 * `npm run fuzz [-- --seed N] [--requests N] [--concurrency N] [--only i,j] [--json file]`: starts a server
 * (embedded in-memory PGlite, or `DATABASE_URL`), fuzzes every operation of the OpenAPI document,
 * prints the report, and exits 1 on any failure. See `docs/fuzzing.md`.
 */
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/config.ts';
import { startEmbeddedDatabase } from '../../src/db/embedded-database.ts';
import { createLogger } from '../../src/http/logger.ts';
import { startServer } from '../../src/server.ts';
import { TEST_BOOTSTRAP_CLIENT, TEST_SECRET_KEY } from '../support/constants.ts';
import { formatReport, runFuzz } from './fuzzer.ts';
import { FUZZ_SERVER_CONFIG } from './server-config.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '8' },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    console.error(`--${name} must be an integer, not ${text}`);
    process.exit(2);
  }
  return value;
}

const seed = values.seed === undefined ? randomInt(2 ** 31) : integer('seed', values.seed);
const only = values.only?.split(',').map((index) => integer('only', index));
const requests = integer('requests', values.requests);
const concurrency = integer('concurrency', values.concurrency);

// The test suite's key and bootstrap client, so that DATABASE_URL may name the database `npm test` uses.
const secretKey = process.env.REALMKIT_SECRET_KEY ?? TEST_SECRET_KEY;
const client = {
  clientId: process.env.REALMKIT_BOOTSTRAP_CLIENT_ID ?? TEST_BOOTSTRAP_CLIENT.clientId,
  clientSecret: process.env.REALMKIT_BOOTSTRAP_CLIENT_SECRET ?? TEST_BOOTSTRAP_CLIENT.clientSecret,
};

const embedded = process.env.DATABASE_URL
  ? undefined
  : await startEmbeddedDatabase({ dataDir: undefined, maxConnections: 64 });
const server = await startServer(
  {
    ...loadConfig({}),
    port: 0,
    databaseUrl: process.env.DATABASE_URL ?? embedded?.url,
    secretKey,
    bootstrapClientId: client.clientId,
    bootstrapClientSecret: client.clientSecret,
    bootstrapAdmin: undefined,
    notifier: 'off',
    ...FUZZ_SERVER_CONFIG,
  },
  createLogger(process.env.LOG_LEVEL ?? 'silent', 'stderr'),
);

let exitCode = 1;
try {
  const response = await fetch(`${server.url}/oauth2/master/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  });
  const { access_token: adminToken } = (await response.json()) as { access_token?: string };
  if (!adminToken) throw new Error(`no master token for ${client.clientId} (${response.status})`);

  console.log(
    `fuzzing ${server.url} (${embedded ? 'embedded PGlite' : 'DATABASE_URL'}) with seed ${seed}: ` +
      `${only ? `requests ${only.join(', ')}` : `${requests} requests`}, ${concurrency} at a time`,
  );
  const report = await runFuzz({
    baseUrl: server.url,
    adminToken,
    seed,
    requests,
    concurrency,
    only,
    progress: (line) => console.log(`  ${line}`),
  });
  console.log(formatReport(report));
  if (values.json) await writeFile(values.json, JSON.stringify(report, null, 2));
  exitCode = report.failures.length === 0 ? 0 : 1;
} catch (error) {
  console.error(error);
} finally {
  await server.close();
  await embedded?.stop();
}
process.exit(exitCode);
