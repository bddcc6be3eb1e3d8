import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** This directory, where the child scripts live. */
export const SRC = fileURLToPath(new URL('./', import.meta.url));

/** Every child still running: a bench that fails half-way must not leave servers behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** A process the bench started: the server under test, a baseline, a peer or a load generator. */
export interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface NodeOptions {
  env?: Record<string, string | undefined>;
  /** Extra `node` flags (`--cpu-prof`, ...). */
  nodeArgs?: string[];
  /** stdout and stderr go to this file; otherwise they are inherited. */
  logFile?: string;
  cwd?: string;
  /**
   * Resolve workspace packages to their TypeScript sources (`--conditions=realmkit-source`, as
   * `npm start` does); false runs what `npm run build` made, as the published package does.
   */
  sourceConditions?: boolean;
}

/**
 * Runs `script` with exactly the Node that runs the bench (`process.execPath`), never a `node`
 * from PATH: every figure and its baseline then come from one Node, which is the point.
 */
export function spawnNode(script: string, args: string[] = [], options: NodeOptions = {}): Child {
  const out = options.logFile ? openSync(options.logFile, 'a') : 'inherit';
  const child = spawn(
    process.execPath,
    [
      ...(options.sourceConditions === false ? [] : ['--conditions=realmkit-source']),
      ...(options.nodeArgs ?? []),
      script,
      ...args,
    ],
    {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', out, out],
    },
  );
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  track(child);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return {
    pid: child.pid,
    process: child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs `script` to its end and parses the last line it prints to stdout as JSON (stderr is
 * inherited, so its errors show).
 */
export async function runNodeJson<T>(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<T> {
  const child = spawn(process.execPath, ['--conditions=realmkit-source', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  track(child);
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new Error(`${path.basename(script)} exited with ${code}: ${stdout.slice(-500)}`);
  return JSON.parse(last) as T;
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in bytes (Linux `/proc`), or `undefined` where there is none. */
export function rssOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; answers the highest seen. */
export function sampleRss(pid: number, everyMs = 100): { stop(): number | undefined } {
  let peak: number | undefined;
  const take = () => {
    const rss = rssOf(pid);
    if (rss !== undefined && (peak === undefined || rss > peak)) peak = rss;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

/** Polls `probe` every `everyMs` until it answers true; throws after `timeoutMs`. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  { timeoutMs = 60_000, everyMs = 20, child }: { timeoutMs?: number; everyMs?: number; child?: Child } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void child?.exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${what}: the process exited (${exitCode}) first`);
    if (await probe().catch(() => false)) return;
    await sleep(everyMs);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}
