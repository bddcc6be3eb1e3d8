// The load generator, as its own process: autocannon against one URL, then one JSON line on
// stdout (see LoadResult). Started by loadgen.ts with the bench's own Node.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './loadgen.ts';

const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;

let counter = 0;
/** Every request takes the next path of the list and, in its body, the next `{{n}}`. */
const request = {
  method: spec.method,
  headers: spec.headers,
  setupRequest(req: autocannon.Request) {
    const n = counter++;
    req.path = spec.paths[n % spec.paths.length];
    if (spec.body !== undefined) req.body = spec.body.replaceAll('{{n}}', `${spec.runId}-${n}`);
    return req;
  },
};

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
    requests: [request],
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
  const latencies: number[] = [];
  const cpuBefore = cpuMsOf(spec.serverPid);
  const machineBefore = machineCpuMs();
  const ownCpu = process.cpuUsage();
  const result = await run(spec.durationS, spec.amount, latencies);
  const ownCpuUsed = process.cpuUsage(ownCpu);
  const cpuAfter = cpuMsOf(spec.serverPid);
  const machineAfter = machineCpuMs();
  const answered = result['2xx'] + result.non2xx;
  latencies.sort((a, b) => a - b);
  const ok = result['2xx'];
  const out: LoadResult = {
    requestsPerSecond: ok / result.duration,
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
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
