import path from 'node:path';
import { decodeJwt } from 'jose';
import { CONNECTIONS, type LoadResult, load } from './loadgen.ts';
import { type Child, freePort, runNodeJson, SRC, spawnNode, waitUntil } from './processes.ts';
import type { Settings } from './settings.ts';

const children = path.join(SRC, 'children');

/**
 * JWS signatures per second on one core with node:crypto alone (its own process, nothing else).
 * `ES256-KeyObject`: ES256 with the bare `KeyObject` (DER signatures), without the options object
 * that figure 3's baseline (`ES256`) passes.
 */
export async function rawSignRate(alg: 'RS256' | 'ES256' | 'ES256-KeyObject' | 'EdDSA', s: Settings): Promise<number> {
  const { perSecond } = await runNodeJson<{ perSecond: number }>(path.join(children, 'raw-sign.ts'), [
    alg,
    String(s.rawMs),
  ]);
  return perSecond;
}

/**
 * argon2id hashes per second with the server's hashPassword, as many in flight as the load has
 * connections, and the CPU time each took (all threads).
 */
export async function rawArgon2Rate(s: Settings): Promise<{ perSecond: number; cpuMsPerHash: number }> {
  return runNodeJson<{ perSecond: number; cpuMsPerHash: number }>(path.join(children, 'raw-argon2.ts'), [
    String(Math.max(s.rawMs, 2000)),
    String(CONNECTIONS),
    'hash',
  ]);
}

/**
 * argon2id verifications per second (the right password against hashes of the server's
 * parameters) with the server's verifyPassword, as many in flight as the load has connections,
 * and the CPU time each took: what a sign-in cannot go faster than.
 */
export async function rawArgon2VerifyRate(s: Settings): Promise<{ perSecond: number; cpuMsPerHash: number }> {
  return runNodeJson<{ perSecond: number; cpuMsPerHash: number }>(path.join(children, 'raw-argon2.ts'), [
    String(Math.max(s.rawMs, 2000)),
    String(CONNECTIONS),
    'verify',
  ]);
}

/** A bare Express 5 hello-world under the same load as the server's figures. */
export async function helloExpress(s: Settings): Promise<LoadResult> {
  const port = await freePort();
  const child = spawnNode(path.join(children, 'hello-express.ts'), [], {
    env: { PORT: String(port) },
    logFile: path.join(s.workDir, 'hello-express.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil('hello-world start', async () => (await fetch(url)).ok, { child });
    return await load({ url, paths: ['/'], warmupS: s.warmupS, durationS: s.durationS, serverPid: child.pid });
  } finally {
    await child.stop();
  }
}

/** The minimal read handler of issue 25 (children/raw-pg-reads.ts), running. */
export interface RawReads {
  readonly url: string;
  readonly child: Child;
}

/**
 * Starts the least a Management API read can do (node:http, pg, jose) on `databaseUrl`, taking
 * the tokens `token` is one of: its issuer, audience and the JWKS that Realmkit publishes for it.
 */
export async function startRawReads(
  s: Settings,
  realmkitUrl: string,
  databaseUrl: string,
  token: string,
): Promise<RawReads> {
  const { iss, aud } = decodeJwt(token);
  if (typeof iss !== 'string' || typeof aud !== 'string') throw new Error('the admin token has no iss or aud');
  const jwks = await (await fetch(`${iss}/jwks`)).text();
  if (!iss.startsWith(realmkitUrl)) throw new Error(`the admin token's issuer ${iss} is not ${realmkitUrl}'s`);
  const port = await freePort();
  const child = spawnNode(path.join(children, 'raw-pg-reads.ts'), [], {
    env: { PORT: String(port), DATABASE_URL: databaseUrl, ISSUER: iss, AUDIENCE: aud, JWKS: jwks },
    logFile: path.join(s.workDir, 'raw-pg-reads.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil('minimal read handler start', async () => (await fetch(`${url}/`)).status === 404, { child });
  return { url, child };
}
