// Baseline: argon2id hashes per second with the server's own parameters and thread pool (its
// hashPassword, libuv's pool as the server has it), `concurrency` hashes in flight as a loaded
// server would have. Prints one JSON line: { perSecond, cpuMsPerHash }.
import { hashPassword } from '../../../apps/server/src/users/password.ts';

const [durationArg = '3000', concurrencyArg = '32'] = process.argv.slice(2);
const durationMs = Number(durationArg);
const concurrency = Number(concurrencyArg);

async function rate(ms: number): Promise<{ perSecond: number; cpuMsPerHash: number }> {
  let count = 0;
  let n = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  async function worker(): Promise<void> {
    while (performance.now() < end) {
      await hashPassword(`correct horse battery ${n++}`);
      count++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(cpu);
  return {
    perSecond: count / ((performance.now() - start) / 1000),
    cpuMsPerHash: (used.user + used.system) / 1000 / count,
  };
}

await rate(Math.min(1000, durationMs / 3));
process.stdout.write(`${JSON.stringify(await rate(durationMs))}\n`);
