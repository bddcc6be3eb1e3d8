import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const SERVER_MAIN = fileURLToPath(new URL('../../../../apps/server/src/cli/main.ts', import.meta.url));
/** The master-realm client every SDK test server is bootstrapped with. */
export const ADMIN = { clientId: 'sdk-test-admin', clientSecret: 'sdk-test-admin-secret-0123456789' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** With DATABASE_URL, a database of the SDK server's own next to it (the server suite migrates that one). */
async function siblingDatabase(
  databaseUrl: string,
  label: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = new URL(databaseUrl);
  const name = `${url.pathname.slice(1)}_sdk_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}/oauth2/master/jwks`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the server did not start within 60 s:\n${output()}`);
}

/** A Realmkit server process, and how to stop it (and drop its data). */
export interface RealmkitProcess {
  /** `http://127.0.0.1:<port>`, also its issuer URL. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A real Realmkit server in its own process, as a user runs it (`realmkit start`,
 * apps/server/src/cli/main.ts), bootstrapped with {@link ADMIN}. Embedded database by default;
 * with DATABASE_URL, a database of its own on that PostgreSQL (`label` names it). `env` is added
 * to this process's environment, without its `REALMKIT_RATE_LIMIT_*`: the server's default
 * limits unless `env` sets them.
 */
export async function startRealmkit(label: string, env: NodeJS.ProcessEnv = {}): Promise<RealmkitProcess> {
  const database = process.env.DATABASE_URL ? await siblingDatabase(process.env.DATABASE_URL, label) : undefined;
  const dataDir = await mkdtemp(join(tmpdir(), `realmkit-sdk-${label}-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('REALMKIT_RATE_LIMIT_') && name !== 'DATABASE_URL'),
  );
  const childEnv: NodeJS.ProcessEnv = {
    ...inherited,
    PORT: String(port),
    REALMKIT_ISSUER_URL: url,
    REALMKIT_DATA_DIR: dataDir,
    REALMKIT_BOOTSTRAP_CLIENT_ID: ADMIN.clientId,
    REALMKIT_BOOTSTRAP_CLIENT_SECRET: ADMIN.clientSecret,
    LOG_LEVEL: 'warn',
    ...env,
  };
  if (database) childEnv.DATABASE_URL = database.url;

  let output = '';
  const child = spawn(process.execPath, ['--conditions=realmkit-source', SERVER_MAIN, 'start'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await waitUntilServing(url, child, () => output);

  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
