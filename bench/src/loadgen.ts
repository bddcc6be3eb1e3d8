import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DpopKey } from './dpop-proofs.ts';
import { runNodeJson, SRC } from './processes.ts';
import type { SignInClient, User } from './signin-flow.ts';

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
  /**
   * Instead of `body`: a file of bodies, one a line, each sent once and in order (credentials that
   * are accepted once, such as client assertions). Once they are used up, the last is sent again:
   * the server refuses it, and the load is flagged (its `failures` say why).
   */
  bodiesFile?: string;
  /**
   * A fresh DPoP proof (RFC 9449 §4) in a `DPoP` header of every request, signed by the load
   * generator as it builds the request: for `method` and `url` + the request's path, signed by
   * `key`, with the `ath` of `accessToken` when given (at a protected resource). With `discard`,
   * each proof is made and not sent: a bearer load whose generator works as hard as the DPoP
   * load it is compared with, so that the ratio is the server's cost of the proof alone.
   */
  dpop?: { key: DpopKey; accessToken?: string; discard?: boolean };
  runId: string;
  warmupS: number;
  /** Measure for this long, or for `amount` requests. */
  durationS?: number;
  amount?: number;
  /** The server's process: its CPU time over the measured phase is reported per request. */
  serverPid?: number;
  /**
   * A stateful load instead of one request shape (load.ts): each connection keeps a chain of
   * refresh tokens, or makes whole sign-ins. A "request" of the result is then one refresh or
   * one whole sign-in, counted when its last answer is right.
   */
  scenario?: RefreshScenario | SignInScenario;
}

/**
 * The refresh_token grant, rotating: each connection takes a refresh token of `tokens` of its own
 * and sends each answer's new refresh token with its next request, one chain per connection.
 * The warm-up's connections and the measured phase's take fresh chains (a load stopped mid-way
 * leaves its last token used by the server but unanswered); a chain that breaks (a wrong
 * answer, a timeout) is counted as a failure and replaced by a spare.
 */
export interface RefreshScenario {
  kind: 'refresh';
  tokenPath: string;
  clientId: string;
  tokens: string[];
}

/**
 * Whole sign-ins, one after another on each connection, each with the next user of `users`:
 * GET the authorization request (the login page, its cookie), POST the login form with the
 * cookie (a redirect with the code), POST the code exchange (tokens).
 */
export interface SignInScenario {
  kind: 'signin';
  client: SignInClient;
  users: User[];
}

/** Refresh tokens a refresh load needs: a chain per connection for each phase, and spares. */
export function chainsNeeded(connections: number, warmupS: number): number {
  return connections * (warmupS > 0 ? 2 : 1) + Math.max(8, connections / 2);
}

export interface LoadResult {
  /**
   * 2xx responses per second; others are counted apart and make the figure invalid. For a
   * scenario: whole refreshes or sign-ins per second, and `non2xx` counts the answers that broke
   * one (a wrong status or body).
   */
  requestsPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  durationS: number;
  /** Of each request; for a sign-in, of the whole flow (its three requests). */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** The first few answers that broke a scenario's flow, or that a load ran out of its `bodiesFile`: why it is flagged. */
  failures?: string[];
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
    const why = result.failures ? `: ${result.failures.join(' | ')}` : '';
    throw new Error(
      `no request to ${full.paths[0]} succeeded (${result.non2xx} non-2xx, ${result.errors} errors)${why}`,
    );
  }
  return result;
}
