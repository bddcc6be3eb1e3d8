import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshDatabase } from './fresh-database.ts';
import { spawnRealmkit } from './realmkit-process.ts';

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
  /** Resolves with the exit code, once its output is read to the end. */
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
  const database = process.env.DATABASE_URL ? await freshDatabase('process') : undefined;
  const run = spawnRealmkit(['start'], {
    PORT: '0',
    REALMKIT_DATA_DIR: dataDir,
    REALMKIT_BOOTSTRAP_CLIENT_ID: PROCESS_ADMIN.clientId,
    REALMKIT_BOOTSTRAP_CLIENT_SECRET: PROCESS_ADMIN.clientSecret,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const { child, exited } = run;
  const output = () => run.stdout() + run.stderr();
  // The complete JSON lines of stdout so far, parsed again only when it grew (the same objects
  // otherwise: tests compare lines by identity).
  let parsed: { length: number; lines: LogLine[] } = { length: -1, lines: [] };
  const logs = (): LogLine[] => {
    const stdout = run.stdout();
    if (parsed.length !== stdout.length) {
      const lines = stdout
        .split('\n')
        .slice(0, -1)
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine);
      parsed = { length: stdout.length, lines };
    }
    return parsed.lines;
  };

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
        const listening = logs().find((line) => line.msg.startsWith('Realmkit listening'));
        if (listening) return resolve(listening.port as number);
        if (child.exitCode !== null) return reject(new Error(`the server exited (${child.exitCode}):\n${output()}`));
        setTimeout(check, 50);
      };
      check();
    });
    return {
      url: `http://127.0.0.1:${port}`,
      child,
      get logs() {
        return logs();
      },
      output,
      exited,
      cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
