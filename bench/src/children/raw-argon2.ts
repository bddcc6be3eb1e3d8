// Baseline: argon2id hashes, or verifications, per second with the server's own parameters and
// thread pool (its hashPassword and verifyPassword, libuv's pool as the server has it),
// `concurrency` in flight as a loaded server would have. `verify` checks the right password
// against hashes hashPassword made (m=19456 KiB, t=2, p=1), as a sign-in does.
// Prints one JSON line: { perSecond, cpuMsPerHash }.
import { hashPassword, verifyPassword } from '../../../apps/server/src/users/password.ts';

const [durationArg = '3000', concurrencyArg = '32', mode = 'hash'] = process.argv.slice(2);
const durationMs = Number(durationArg);
const concurrency = Number(concurrencyArg);
if (mode !== 'hash' && mode !== 'verify') throw new Error(`mode must be hash or verify, not ${mode}`);

const PASSWORD = 'correct horse battery staple';
const hashes = mode === 'verify' ? await Promise.all(Array.from({ length: 8 }, () => hashPassword(PASSWORD))) : [];

async function rate(ms: number): Promise<{ perSecond: number; cpuMsPerHash: number }> {
  let count = 0;
  let n = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  async function worker(): Promise<void> {
    while (performance.now() < end) {
      const i = n++;
      if (mode === 'hash') {
        await hashPassword(`correct horse battery ${i}`);
      } else if (!(await verifyPassword(hashes[i % hashes.length] as string, PASSWORD))) {
        throw new Error('verifyPassword rejected the right password');
      }
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
