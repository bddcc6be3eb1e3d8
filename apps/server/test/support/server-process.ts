import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FreshDatabase, freshDatabase } from './fresh-database.ts';

const SERVER_MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** The bootstrap client of every server process a test starts. */
export const PROCESS_ADMIN = { clientId: 'process-test-admin', clientSecret: 'process-test-admin-secret-0123456789' };

/** One JSON log line of the server. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Realmkit as a user runs it (`realmkit start`: `src/cli/main.ts start`), in a process of its own, on a database of its own. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Its JSON log lines so far. */
  readonly logs: LogLine[];
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Kills it if still running, and removes its data. */
  cleanUp(): Promise<void>;
}

/**
 * Starts `realmkit start` on port 0 (the port is read from its "listening" log line): on an embedded
 * database in a temporary data directory, or with DATABASE_URL on a fresh PostgreSQL database.
 */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'realmkit-process-'));
  let database: FreshDatabase | undefined;
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    REALMKIT_DATA_DIR: dataDir,
    REALMKIT_BOOTSTRAP_CLIENT_ID: PROCESS_ADMIN.clientId,
    REALMKIT_BOOTSTRAP_CLIENT_SECRET: PROCESS_ADMIN.clientSecret,
    LOG_LEVEL: 'info',
    ...env,
  };
  delete childEnv.DATABASE_URL;
  if (process.env.DATABASE_URL) {
    database = await freshDatabase('process');
    childEnv.DATABASE_URL = database.url;
  }

  let output = '';
  const logs: LogLine[] = [];
  let pending = '';
  const child = spawn(process.execPath, ['--conditions=realmkit-source', SERVER_MAIN, 'start'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('{')) logs.push(JSON.parse(line));
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });

  const cleanUp = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const check = () => {
        const listening = logs.find((line) => line.msg.startsWith('Realmkit listening'));
        if (listening) return resolve(listening.port as number);
        if (child.exitCode !== null) return reject(new Error(`the server exited (${child.exitCode}):\n${output}`));
        setTimeout(check, 50);
      };
      check();
    });
    return { url: `http://127.0.0.1:${port}`, child, logs, output: () => output, exited, cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
