import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { runNodeJson, SRC } from './processes.ts';

/** What the load generator sends: one request shape, many paths or bodies. */
export interface LoadSpec {
  url: string;
  connections: number;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Cycled, one per request. */
  paths: string[];
  /** Each `{{n}}` becomes a value unique in the run (for unique emails). */
  body?: string;
  runId: string;
  warmupS: number;
  /** Measure for this long, or for `amount` requests. */
  durationS?: number;
  amount?: number;
  /** The server's process: its CPU time over the measured phase is reported per request. */
  serverPid?: number;
}

export interface LoadResult {
  /** 2xx responses per second; others are counted apart and make the figure invalid. */
  requestsPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  durationS: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /**
   * The server's CPU time (all its threads: the event loop and libuv's pool, user and system) per
   * answered request in the measured phase, when `serverPid` was given and `/proc` exists.
   */
  serverCpuMsPerRequest?: number;
  /** The load generator's own CPU time per answered request (it shares the machine's cores). */
  loadgenCpuMsPerRequest?: number;
  /** The whole machine's busy CPU time per answered request: the rest is the database and everything else. */
  machineCpuMsPerRequest?: number;
}

export const CONNECTIONS = 32;

/**
 * Runs autocannon in its own process (on this bench's Node), so that the generator's work is
 * not counted against the server's event loop nor the bench's.
 */
export async function load(
  spec: Omit<LoadSpec, 'runId' | 'connections' | 'headers' | 'method'> &
    Partial<Pick<LoadSpec, 'connections' | 'headers' | 'method'>>,
): Promise<LoadResult> {
  const full: LoadSpec = {
    connections: CONNECTIONS,
    method: 'GET',
    headers: {},
    runId: randomBytes(4).toString('hex'),
    ...spec,
  };
  const result = await runNodeJson<LoadResult>(path.join(SRC, 'load.ts'), [JSON.stringify(full)]);
  if (result.ok === 0) {
    throw new Error(`no request to ${full.paths[0]} succeeded (${result.non2xx} non-2xx, ${result.errors} errors)`);
  }
  return result;
}
