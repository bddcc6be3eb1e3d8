// The load generator, as its own process: autocannon against one URL, then one JSON line on
// stdout (see LoadResult). Started by loadgen.ts with the bench's own Node.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { accessTokenHash, proofSigner } from './dpop-proofs.ts';
import type { LoadResult, LoadSpec, RefreshScenario, SignInScenario } from './loadgen.ts';
import {
  type Attempt,
  authorizeRequestPath,
  codeExchangeBody,
  codeFromRedirect,
  FORM,
  type LoginForm,
  loginBody,
  newAttempt,
  parseLoginPage,
  parseTokenResponse,
  refreshBody,
  type User,
} from './signin-flow.ts';

const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;

/** What a scenario counts in a phase: whole flows done right, the answers that broke one. */
const flows = { completed: 0, failed: 0, failures: [] as string[], latencies: [] as number[] };

const bodies = spec.bodiesFile ? readFileSync(spec.bodiesFile, 'utf8').split('\n').filter(Boolean) : undefined;
/** Whether the load ran out of {@link bodies} (in the warm-up or the measured phase). */
let bodiesUsedUp = false;

/** The body of request `n` of the run (the warm-up's included) from {@link bodies}. */
function bodyOf(list: string[], n: number): string {
  if (n < list.length) return list[n] as string;
  bodiesUsedUp = true;
  return list.at(-1) ?? '';
}

const signProof = spec.dpop ? proofSigner(spec.dpop.key) : undefined;
const ath = spec.dpop?.accessToken === undefined ? undefined : accessTokenHash(spec.dpop.accessToken);

let counter = 0;
/**
 * Every request takes the next path of the list and, in its body, the next `{{n}}` or body of the
 * file; with `dpop`, a proof of its own for that path.
 */
const request = {
  method: spec.method,
  headers: spec.headers,
  setupRequest(req: autocannon.Request) {
    const n = counter++;
    const path = spec.paths[n % spec.paths.length] as string;
    req.path = path;
    if (bodies) req.body = bodyOf(bodies, n);
    else if (spec.body !== undefined) req.body = spec.body.replaceAll('{{n}}', `${spec.runId}-${n}`);
    if (signProof) {
      const proof = signProof(spec.method, `${spec.url}${path}`, ath);
      if (!spec.dpop?.discard) req.headers = { ...spec.headers, dpop: proof };
    }
    return req;
  },
};

function fail(why: string): void {
  flows.failed++;
  if (flows.failures.length < 5) flows.failures.push(why);
}

/** A response header by name, whatever case the server wrote it in. */
function header(headers: Record<string, string | string[]>, name: string): string | string[] | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** A connection's state through autocannon's per-request-cycle context (cleared after each cycle). */
type Context = Record<string, unknown>;

/** autocannon's Client, of which the bench touches only the request iterator. */
interface ClientInternals {
  requestIterator: { initialContext: Context; resetContext(): void; rebuildRequest(): unknown };
}

/**
 * The refresh scenario's requests: one request, whose body carries the connection's current
 * refresh token; its answer's refresh token replaces it. autocannon clears a connection's context
 * after each cycle of requests, so the chains live here, indexed by a number `setupClient` puts in
 * the context the connection starts each cycle from.
 */
function refreshRequests(scenario: RefreshScenario) {
  const spare = [...scenario.tokens];
  const chains: (string | undefined)[] = [];
  // With no spare left, a broken chain keeps its dead token: its refreshes keep failing, counted.
  const take = (dead?: string) => spare.shift() ?? dead ?? '';
  const setupClient = (client: unknown) => {
    const iterator = (client as ClientInternals).requestIterator;
    iterator.initialContext = { chain: chains.length };
    chains.push(take());
    iterator.resetContext();
    // Its first request was built before it had a chain: build it again, with one.
    iterator.rebuildRequest();
  };
  const requests = [
    {
      method: 'POST' as const,
      path: scenario.tokenPath,
      headers: FORM,
      setupRequest(req: autocannon.Request, context: Context) {
        const chain = context.chain as number | undefined;
        req.body = refreshBody(scenario.clientId, chain === undefined ? '' : (chains[chain] as string));
        return req;
      },
      onResponse(status: number, body: string, context: Context) {
        const chain = context.chain as number;
        try {
          if (status !== 200) throw new Error(`refresh_token grant: ${status} ${body.slice(0, 200)}`);
          chains[chain] = parseTokenResponse(body, { idToken: false, refreshToken: true }).refresh_token;
          flows.completed++;
        } catch (error) {
          fail((error as Error).message);
          chains[chain] = take(chains[chain]);
        }
      },
    },
  ];
  return { requests, setupClient };
}

/**
 * The sign-in scenario's three requests. A request whose predecessor's answer was wrong is not
 * sent: its setupRequest answers null, and autocannon starts the cycle (a new sign-in) over.
 */
function signInRequests(scenario: SignInScenario) {
  const { client, users } = scenario;
  let next = 0;
  const wantId = client.scope.split(' ').includes('openid');
  const wantRefresh = client.scope.split(' ').includes('offline_access');
  const requests = [
    {
      method: 'GET' as const,
      setupRequest(req: autocannon.Request, context: Context) {
        const attempt = newAttempt();
        context.attempt = attempt;
        context.user = users[next++ % users.length];
        context.started = performance.now();
        context.pagePath = authorizeRequestPath(client, attempt);
        req.path = context.pagePath as string;
        return req;
      },
      onResponse(status: number, body: string, context: Context, headers: Record<string, string | string[]>) {
        try {
          if (status !== 200) throw new Error(`authorize: ${status} ${body.slice(0, 200)}`);
          context.form = parseLoginPage(body, header(headers, 'set-cookie'), context.pagePath as string);
        } catch (error) {
          fail((error as Error).message);
        }
      },
    },
    {
      method: 'POST' as const,
      setupRequest(req: autocannon.Request, context: Context) {
        const form = context.form as LoginForm | undefined;
        if (!form) return null as unknown as autocannon.Request;
        req.path = form.actionPath;
        req.headers = { ...FORM, cookie: form.cookie };
        req.body = loginBody(form, context.user as User);
        return req;
      },
      onResponse(status: number, body: string, context: Context, headers: Record<string, string | string[]>) {
        try {
          if (status !== 303 && status !== 302) throw new Error(`login: ${status} ${body.slice(0, 200)}`);
          const location = header(headers, 'location');
          context.code = codeFromRedirect(
            Array.isArray(location) ? location[0] : location,
            client,
            context.attempt as Attempt,
          );
        } catch (error) {
          fail((error as Error).message);
        }
      },
    },
    {
      method: 'POST' as const,
      path: client.tokenPath,
      headers: FORM,
      setupRequest(req: autocannon.Request, context: Context) {
        const code = context.code as string | undefined;
        if (!code) return null as unknown as autocannon.Request;
        req.body = codeExchangeBody(client, context.attempt as Attempt, code);
        return req;
      },
      onResponse(status: number, body: string, context: Context) {
        try {
          if (status !== 200) throw new Error(`code exchange: ${status} ${body.slice(0, 200)}`);
          parseTokenResponse(body, { idToken: wantId, refreshToken: wantRefresh });
          flows.completed++;
          flows.latencies.push(performance.now() - (context.started as number));
        } catch (error) {
          fail((error as Error).message);
        }
      },
    },
  ];
  return { requests };
}

const scenario = spec.scenario;
const shape =
  scenario?.kind === 'refresh'
    ? refreshRequests(scenario)
    : scenario?.kind === 'signin'
      ? signInRequests(scenario)
      : { requests: [request] };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** autocannon's answer without a callback: an event emitter that is also a promise of the result. */
type Instance = Promise<autocannon.Result> & {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
};

function run(durationS: number | undefined, amount: number | undefined, latencies?: number[]) {
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(amount === undefined ? { duration: durationS } : { amount }),
    requests: shape.requests as autocannon.Request[],
    ...('setupClient' in shape ? { setupClient: shape.setupClient as (client: autocannon.Client) => void } : {}),
  }) as unknown as Instance;
  // Every latency, for exact percentiles (autocannon's summary has no p95).
  if (latencies) instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  return instance;
}

/** CPU time of a process in ms (`utime + stime` of `/proc/<pid>/stat`, in 10 ms ticks), if readable. */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces), from `state` on: utime and stime are 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Busy CPU time of the whole machine in ms (`/proc/stat`: every state but idle and iowait), if readable. */
function machineCpuMs(): number | undefined {
  try {
    const [, ...ticks] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
    return (user + nice + system + irq + softirq + steal) * 10;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  if (spec.warmupS > 0) await run(spec.warmupS, undefined);
  Object.assign(flows, { completed: 0, failed: 0, failures: [], latencies: [] });
  const latencies: number[] = [];
  const cpuBefore = cpuMsOf(spec.serverPid);
  const machineBefore = machineCpuMs();
  const ownCpu = process.cpuUsage();
  const result = await run(spec.durationS, spec.amount, latencies);
  const ownCpuUsed = process.cpuUsage(ownCpu);
  const cpuAfter = cpuMsOf(spec.serverPid);
  const machineAfter = machineCpuMs();
  // A scenario's "request" is a whole refresh or sign-in: counted by the scenario, not autocannon.
  const ok = scenario ? flows.completed : result['2xx'];
  const non2xx = scenario ? flows.failed : result.non2xx;
  const answered = ok + non2xx;
  if (scenario?.kind === 'signin') latencies.splice(0, latencies.length, ...flows.latencies);
  if (bodiesUsedUp) flows.failures.push(`all ${bodies?.length} single-use bodies were sent: the rest were replays`);
  latencies.sort((a, b) => a - b);
  const out: LoadResult = {
    requestsPerSecond: ok / result.duration,
    ok,
    non2xx,
    errors: result.errors + result.timeouts,
    ...(flows.failures.length > 0 ? { failures: flows.failures } : {}),
    durationS: result.duration,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    },
    ...(cpuBefore !== undefined && cpuAfter !== undefined && answered > 0
      ? { serverCpuMsPerRequest: (cpuAfter - cpuBefore) / answered }
      : {}),
    ...(answered > 0 ? { loadgenCpuMsPerRequest: (ownCpuUsed.user + ownCpuUsed.system) / 1000 / answered } : {}),
    ...(machineBefore !== undefined && machineAfter !== undefined && answered > 0
      ? { machineCpuMsPerRequest: (machineAfter - machineBefore) / answered }
      : {}),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
