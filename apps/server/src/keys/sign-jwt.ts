import { type KeyObject, sign } from 'node:crypto';
import type { SigningAlgorithm } from '@realmkit/contract';

/** Where a signature is made: on the event loop (`crypto.sign`), or on libuv's thread pool (with a callback). */
export type SigningPath = 'event-loop' | 'thread-pool';

/**
 * node:crypto's digest per JWS algorithm (EdDSA signs the message itself), and where each is
 * signed. The thread pool frees the event loop of the signature, but its hand-off (a job queued,
 * a pool thread woken, the event loop woken again for the callback) costs CPU on both threads:
 * worth it for RS256, not for the two cheap ones. Measured both ways, Node 24, this project's
 * 2-core machine; per token (signing input, signature, JWS), two runs of
 * `node scripts/launch.mjs node bench/src/sign-paths.ts` (32 tokens in flight on the pool):
 *
 * | alg   | event loop: CPU | thread pool: CPU, all threads | of which on the event loop | chosen      |
 * | ----- | --------------- | ----------------------------- | -------------------------- | ----------- |
 * | ES256 | 28 µs           | 35 µs                         | 9 µs                       | event loop  |
 * | EdDSA | 29 µs           | 36 µs                         | 8 µs                       | event loop  |
 * | RS256 | 264-289 µs      | 297-313 µs                    | 26 µs                      | thread pool |
 *
 * In the server the hand-off costs more than that: the pool's threads share the two cores with
 * the event loop, the load generator and the database, and each completion wakes the event loop
 * again. 17 pairs of ES256 token loads (the bench's: 32 connections, 10 s), each pair one build
 * started twice with a measurement-only switch, in alternating order: the server's CPU per token
 * was 0.034 ms lower on the event loop (median of the pairs, lower in 14 of 17; medians 0.172
 * against 0.232 ms), as much as the signature itself, for the same tokens/s (median ratio 1.01,
 * the event loop ahead in 9 of 17). The pool frees the event loop of about 25 µs per token, which
 * pays only where cores sit idle; where CPU runs out, it costs tokens (figure 3 in four
 * `npm run bench -- --only=tokens` runs each way, busy machine: 0.45×, 0.25×, 0.24×, 0.28× on the
 * event loop, 0.25×, 0.21×, 0.21×, 0.32× on the pool). RS256 on the event loop would cap it near
 * 3,800 tokens/s (1 ÷ 0.26 ms), under figure 1's 4,980 (docs/performance.md): there the pool's
 * 30 µs buy 0.26 ms of event loop.
 */
const SIGNING: Record<SigningAlgorithm, { digest: string | null; path: SigningPath }> = {
  RS256: { digest: 'sha256', path: 'thread-pool' },
  ES256: { digest: 'sha256', path: 'event-loop' },
  EdDSA: { digest: null, path: 'event-loop' },
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
