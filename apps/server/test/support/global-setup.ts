import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config/config.ts';
import { startEmbeddedDatabase } from '../../src/db/embedded-database.ts';
import { createLogger } from '../../src/http/logger.ts';
import { startServer } from '../../src/server.ts';
import { TEST_BOOTSTRAP_CLIENT, TEST_ISSUER_URL, TEST_SECRET_KEY } from './constants.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One database for the whole run: PostgreSQL when DATABASE_URL is set, otherwise an in-memory
 * PGlite served on a loopback port. Migrated and bootstrapped once; every test file then starts
 * its own server on it and works in its own realm.
 */
export default async function setup(project: TestProject) {
  // The console's build (apps/console into apps/server/console), as `npm start` makes it: test
  // servers serve it, and the console's browser test drives it.
  execFileSync(process.execPath, [fileURLToPath(new URL('../../../../scripts/ensure-console.mjs', import.meta.url))], {
    stdio: 'inherit',
  });
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase({ dataDir: undefined, maxConnections: 64 });
  const databaseUrl = process.env.DATABASE_URL ?? (embedded?.url as string);

  const server = await startServer(
    {
      ...loadConfig({}),
      port: 0,
      databaseUrl,
      issuerUrl: TEST_ISSUER_URL,
      secretKey: TEST_SECRET_KEY,
      bootstrapClientId: TEST_BOOTSTRAP_CLIENT.clientId,
      bootstrapClientSecret: TEST_BOOTSTRAP_CLIENT.clientSecret,
      bootstrapAdmin: undefined,
      notifier: 'off',
    },
    createLogger('silent'),
  );
  await server.close();
  project.provide('databaseUrl', databaseUrl);

  return async () => {
    await embedded?.stop();
  };
}
