import { type KeyObject, sign } from 'node:crypto';
import type { SigningAlgorithm } from '@realmkit/contract';

/** Where a signature is made: on the event loop (`crypto.sign`), or on libuv's thread pool (with a callback). */
export type SigningPath = 'event-loop' | 'thread-pool';

/**
 * node:crypto's digest per JWS algorithm (EdDSA signs the message itself), and where each is
 * signed: all on libuv's thread pool, measured both ways.
 *
 * Alone, the cheap algorithms cost less CPU on the event loop: per token, ES256 28 µs there
 * against 35 µs on the pool (all threads), EdDSA 29 against 36 µs, RS256 264-289 against
 * 297-313 µs (`node scripts/launch.mjs node bench/src/sign-paths.ts`, 32 tokens in flight).
 *
 * In the whole server the pool wins for ES256 too. `npm run bench -- --only=tokens` on the reshaped
 * server (issue 17), one build each way, the same quiet hour of 2026-12-06: ES256 on the event
 * loop 3,281 and 3,392 tokens/s (figure 3: 0.26x, 0.19x; server CPU 0.311 and 0.298 ms per token),
 * on the pool 6,269 tokens/s (0.32x; 0.202 ms). With two cores shared by the event loop, the load
 * generator and the database, a signature on the event loop holds up every request behind it;
 * on the pool it runs beside them. EdDSA, as cheap as ES256, goes the same way. RS256 on the
 * event loop would cap the endpoint near 3,800 tokens/s (1 / 0.26 ms) in any case.
 * docs/performance.md has the runs.
 */
const SIGNING: Record<SigningAlgorithm, { digest: string | null; path: SigningPath }> = {
  RS256: { digest: 'sha256', path: 'thread-pool' },
  ES256: { digest: 'sha256', path: 'thread-pool' },
  EdDSA: { digest: null, path: 'thread-pool' },
};

export interface JwsHeader {
  alg: SigningAlgorithm;
  typ: string;
  kid: string;
}

/** A key's protected header, encoded: the same for every token the key signs. */
interface EncodedHeader extends JwsHeader {
  /** `BASE64URL(UTF8(JWS Protected Header)) || '.'` */
  encoded: string;
}

/** Per key (forgotten with it): its header is encoded on its first token, not on every one. */
const encodedHeaders = new WeakMap<KeyObject, EncodedHeader>();

function encodedHeaderOf(header: JwsHeader, key: KeyObject): string {
  const known = encodedHeaders.get(key);
  if (known && known.alg === header.alg && known.typ === header.typ && known.kid === header.kid) return known.encoded;
  const { alg, typ, kid } = header;
  const encoded = `${Buffer.from(JSON.stringify({ alg, typ, kid })).toString('base64url')}.`;
  encodedHeaders.set(key, { alg, typ, kid, encoded });
  return encoded;
}

/** Bytes of r and of s in an ES256 signature (P-256's order is 32 bytes long). */
const P256_INTEGER = 32;

/**
 * The JWS form of an ES256 signature, `r || s` as two 32-byte big-endian integers (RFC 7518
 * §3.4), from node:crypto's DER `ECDSA-Sig-Value` (SEQUENCE { INTEGER r, INTEGER s }), in
 * 0.2 µs. node can make it itself (`{ key, dsaEncoding: 'ieee-p1363' }`), at a price as high as
 * the signature's (Node 24, this project's 2-core machine, CPU of one ES256 signature): the
 * options object instead of the `KeyObject` sends `prepareAsymmetricKey` through two thrown and
 * caught native errors (its `isKeyObject` and `isCryptoKey` probes), 17 µs; node's own conversion
 * to `ieee-p1363` adds 12 µs; the signature itself is 28 µs. So 57 µs before, 28 µs now.
 */
export function joseFromDer(der: Buffer): Buffer {
  // A P-256 signature's SEQUENCE is at most 72 bytes long: its length is one byte (short form).
  if (der[0] !== 0x30 || der[1] !== der.length - 2) throw notDer();
  const jose = Buffer.allocUnsafe(2 * P256_INTEGER);
  const afterR = copyInteger(der, 2, jose, P256_INTEGER);
  if (copyInteger(der, afterR, jose, 2 * P256_INTEGER) !== der.length) throw notDer();
  return jose;
}

/**
 * Copies the DER INTEGER at `offset` into `jose`, right-aligned to `end` and zero-padded on the
 * left; answers the offset after it. DER's INTEGER is signed and minimal: a leading 0x00 keeps
 * the high bit from reading as a sign (dropped here), and a value with leading zero bytes is
 * shorter than 32 (padded here).
 */
function copyInteger(der: Buffer, offset: number, jose: Buffer, end: number): number {
  const length = der[offset + 1] ?? 0;
  if (der[offset] !== 0x02 || length === 0) throw notDer();
  let start = offset + 2;
  const next = start + length;
  while (next - start > P256_INTEGER && der[start] === 0) start++;
  if (next - start > P256_INTEGER || next > der.length) throw notDer();
  const padTo = end - (next - start);
  jose.fill(0, end - P256_INTEGER, padTo);
  der.copy(jose, padTo, start, next);
  return next;
}

const notDer = () => new Error('ES256: not a DER ECDSA signature');

function jwsSignature(alg: SigningAlgorithm, signature: Buffer): string {
  return (alg === 'ES256' ? joseFromDer(signature) : signature).toString('base64url');
}

/**
 * A compact JWS (RFC 7515) of `payload` (the key's header encoded once), signed by node:crypto
 * with the prepared `key`, on the event loop or on libuv's thread pool as {@link SIGNING} says for
 * the algorithm (`path` overrides it: tests and bench/src/sign-paths.ts measure both). The key is
 * always handed to node:crypto as the `KeyObject` itself (see {@link joseFromDer}). jose's
 * `SignJWT` goes through WebCrypto, which turns the `KeyObject` into a `CryptoKey` on every call
 * (docs/performance.md, figure 1).
 *
 * @example
 * const token = await signJwt({ alg: 'ES256', typ: 'at+jwt', kid }, { sub: 'client' }, privateKey);
 */
export function signJwt(
  header: JwsHeader,
  payload: object,
  key: KeyObject,
  path: SigningPath = SIGNING[header.alg].path,
): Promise<string> {
  const { alg } = header;
  const signingInput = encodedHeaderOf(header, key) + Buffer.from(JSON.stringify(payload)).toString('base64url');
  // Every character of the signing input is base64url or '.': one byte each.
  const data = Buffer.from(signingInput, 'latin1');
  const { digest } = SIGNING[alg];
  if (path === 'event-loop') {
    try {
      return Promise.resolve(`${signingInput}.${jwsSignature(alg, sign(digest, data, key))}`);
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new Promise((resolve, reject) => {
    sign(digest, data, key, (error, signature) => {
      if (error) reject(error);
      else {
        try {
          resolve(`${signingInput}.${jwsSignature(alg, signature)}`);
        } catch (conversionError) {
          reject(conversionError);
        }
      }
    });
  });
}
