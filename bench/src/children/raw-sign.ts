// Baseline: how many JWT signatures one core makes per second with node:crypto alone, for one
// algorithm. Prints one JSON line: { perSecond }.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

const [alg = 'RS256', durationArg = '3000'] = process.argv.slice(2);
const durationMs = Number(durationArg);

/** The key and the node:crypto arguments that make a JWS signature for `alg`. */
function signer(algorithm: string): () => Buffer {
  // A realistic signing input: a base64url header and an RFC 9068 payload of typical size.
  const input = Buffer.from(`${'h'.repeat(110)}.${'p'.repeat(330)}`);
  let key: KeyObject;
  switch (algorithm) {
    case 'RS256':
      key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      return () => sign('sha256', input, key);
    case 'ES256':
      // JWS's r || s made by node: the key goes in an options object, which costs node 24 about as
      // much as the signature (two thrown and caught native errors; apps/server/src/keys/sign-jwt.ts).
      key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      return () => sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' });
    case 'ES256-KeyObject':
      // The KeyObject itself, as the server signs since: DER, which the server turns into r || s
      // in 0.2 µs (not counted here).
      key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      return () => sign('sha256', input, key);
    case 'EdDSA':
      key = generateKeyPairSync('ed25519').privateKey;
      return () => sign(null, input, key);
    default:
      throw new Error(`unknown algorithm ${algorithm}`);
  }
}

function rate(fn: () => unknown, ms: number): number {
  let count = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 10; i++) fn();
    count += 10;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

const fn = signer(alg);
rate(fn, Math.min(500, durationMs / 4));
process.stdout.write(`${JSON.stringify({ perSecond: rate(fn, durationMs) })}\n`);
