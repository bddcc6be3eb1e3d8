// `node scripts/launch.mjs node bench/src/sign-paths.ts [ms]`: what signing one access token
// costs on each path the token endpoint could take, per algorithm, with the server's own signJwt
// (as raw-argon2 uses the server's hashPassword). Each measurement runs in a fresh process of its
// own for `ms` milliseconds (default 3000) after a warm-up:
//
// - `event loop`: `crypto.sign` on the event loop, one token after another;
// - `thread pool`: `crypto.sign` with a callback (libuv's pool, 4 threads), 32 tokens in flight as
//   the bench's load has 32 connections;
// - `… options object`: ES256 as the server signed it before, the key passed as
//   `{ key, dsaEncoding: 'ieee-p1363' }` (what raw-sign.ts, figure 3's baseline, still does).
//
// For each: tokens per second, and per token the CPU of the whole process (every thread) and of
// its main thread (the event loop). On a machine whose cores are all busy (the bench's: server,
// database and load generator on two cores), the whole process's CPU is what a token costs;
// the pool only helps while a core would be idle, and costs its hand-off on both threads.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type SigningPath, signJwt } from '../../apps/server/src/keys/sign-jwt.ts';

const IN_FLIGHT = 32;
const MEASUREMENTS = [
  ['ES256', 'event-loop'],
  ['ES256', 'thread-pool'],
  ['ES256', 'event-loop, options object'],
  ['ES256', 'thread-pool, options object'],
  ['EdDSA', 'event-loop'],
  ['EdDSA', 'thread-pool'],
  ['RS256', 'event-loop'],
  ['RS256', 'thread-pool'],
] as const;
type Algorithm = (typeof MEASUREMENTS)[number][0];
type Way = (typeof MEASUREMENTS)[number][1];

interface Measured {
  perSecond: number;
  /** µs of CPU per token, all threads. */
  processUs: number;
  /** µs of the main thread's CPU per token. */
  mainUs: number;
}

function keyOf(alg: Algorithm): KeyObject {
  switch (alg) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'EdDSA':
      return generateKeyPairSync('ed25519').privateKey;
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }
}

/** ES256 as sign-jwt.ts signed before: the key in an options object, node making the JWS form. */
function optionsObjectToken(header: object, payload: object, key: KeyObject, pool: boolean): Promise<string> {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(payload)}`;
  const options = { key, dsaEncoding: 'ieee-p1363' } as const;
  if (!pool)
    return Promise.resolve(
      `${signingInput}.${sign('sha256', Buffer.from(signingInput), options).toString('base64url')}`,
    );
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(signingInput), options, (error, signature) => {
      if (error) reject(error);
      else resolve(`${signingInput}.${signature.toString('base64url')}`);
    });
  });
}

/** The server's CPU clock for its main thread, in µs (Linux: schedstat's first field, in ns). */
function mainThreadUs(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
}

function processUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function measure(alg: Algorithm, way: Way, ms: number): Promise<Measured> {
  const key = keyOf(alg);
  const header = { alg, typ: 'at+jwt', kid: 'k'.repeat(43) };
  const path: SigningPath = way.startsWith('event-loop') ? 'event-loop' : 'thread-pool';
  const token = () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: 'http://127.0.0.1:40000/oauth2/bench-es256-m1abc2de',
      sub: 'app_0123456789abcdefghij',
      aud: 'https://api.bench.test',
      iat: now,
      exp: now + 300,
      jti: randomUUID(),
      client_id: 'app_0123456789abcdefghij',
      scope: 'read',
    };
    return way.endsWith('options object')
      ? optionsObjectToken(header, payload, key, path === 'thread-pool')
      : signJwt(header, payload, key, path);
  };
  const run = async (forMs: number): Promise<Measured> => {
    let count = 0;
    const process0 = processUs();
    const main0 = mainThreadUs();
    const start = performance.now();
    const end = start + forMs;
    // Each of the 32 awaits its token before asking the next, as a connection does.
    const connection = async () => {
      while (performance.now() < end) {
        await token();
        count++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, connection));
    return {
      perSecond: count / ((performance.now() - start) / 1000),
      processUs: (processUs() - process0) / count,
      mainUs: (mainThreadUs() - main0) / count,
    };
  };
  await run(Math.min(500, ms / 4));
  return run(ms);
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'child') {
  const [alg, way, ms] = rest as [Algorithm, Way, string];
  process.stdout.write(`${JSON.stringify(await measure(alg, way, Number(ms)))}\n`);
} else {
  const ms = Number(mode ?? 3000);
  const self = fileURLToPath(import.meta.url);
  process.stdout.write(`Node ${process.version}, ${ms} ms each, a fresh process for each line\n\n`);
  process.stdout.write('| alg | signed on | tokens/s | CPU per token, all threads | main thread per token |\n');
  process.stdout.write('| --- | --- | --- | --- | --- |\n');
  for (const [alg, way] of MEASUREMENTS) {
    const out = execFileSync(process.execPath, [...process.execArgv, self, 'child', alg, way, String(ms)], {
      encoding: 'utf8',
    });
    const m = JSON.parse(out) as Measured;
    process.stdout.write(
      `| ${alg} | ${way} | ${Math.round(m.perSecond).toLocaleString('en')} | ${m.processUs.toFixed(1)} µs | ${m.mainUs.toFixed(1)} µs |\n`,
    );
  }
}
