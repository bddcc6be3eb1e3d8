import { type KeyObject, type SignKeyObjectInput, sign } from 'node:crypto';
import type { SigningAlgorithm } from '@realmkit/contract';

/** node:crypto's digest per JWS algorithm: EdDSA signs the message itself. */
const DIGEST: Record<SigningAlgorithm, string | null> = { RS256: 'sha256', ES256: 'sha256', EdDSA: null };

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * A compact JWS (RFC 7515) of `payload`, signed by node:crypto with the prepared `key` on libuv's
 * thread pool: the event loop only serialises and encodes. jose's `SignJWT` goes through WebCrypto,
 * which turns the `KeyObject` into a `CryptoKey` on every call (docs/performance.md, figure 1).
 * ES256 signatures are the raw `r || s` that JWS wants (`ieee-p1363`), not DER.
 *
 * @example
 * const token = await signJwt({ alg: 'ES256', typ: 'at+jwt', kid }, { sub: 'client' }, privateKey);
 */
export function signJwt(
  header: { alg: SigningAlgorithm; typ: string; kid: string },
  payload: object,
  key: KeyObject,
): Promise<string> {
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  const signingKey: KeyObject | SignKeyObjectInput = header.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;
  return new Promise((resolve, reject) => {
    sign(DIGEST[header.alg], Buffer.from(signingInput), signingKey, (error, signature) => {
      if (error) reject(error);
      else resolve(`${signingInput}.${signature.toString('base64url')}`);
    });
  });
}
