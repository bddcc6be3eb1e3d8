// Compact JWS (RFC 7515) signed with WebCrypto, in Node.js and browsers alike: what the SDK's
// client assertions (RFC 7523) and DPoP proofs (RFC 9449) are.
import type { ClientAssertionAlgorithm } from '@realmkit/contract';

/**
 * A JSON Web Key (RFC 7517, RFC 7518 §6), as WebCrypto's `JsonWebKey` with `kid`: typed here so
 * that the SDK's types need neither the DOM's nor Node's.
 */
export interface Jwk {
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  ext?: boolean;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  d?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
}

/** A WebCrypto `CryptoKey`, by the members the SDK reads. */
export interface CryptoKeyLike {
  readonly type: string;
  readonly algorithm: { readonly name: string };
  readonly usages: readonly string[];
}

type Subtle = typeof crypto.subtle;
export type SigningKey = Parameters<Subtle['sign']>[1];

/** WebCrypto's names for each JWS algorithm the SDK signs with: to import the key, and to sign. */
export const WEB_CRYPTO: Record<
  ClientAssertionAlgorithm,
  { key: Parameters<Subtle['importKey']>[2]; sign: Parameters<Subtle['sign']>[0] }
> = {
  RS256: { key: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
  // RFC 7518 §3.5: the salt is as long as the hash.
  PS256: { key: { name: 'RSA-PSS', hash: 'SHA-256' }, sign: { name: 'RSA-PSS', saltLength: 32 } },
  ES256: { key: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { key: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
};

export function isCryptoKey(key: unknown): key is CryptoKeyLike {
  return typeof (key as CryptoKeyLike).algorithm === 'object' && Array.isArray((key as CryptoKeyLike).usages);
}

/**
 * The JWS algorithm of a private WebCrypto key that signs, by its own algorithm (`undefined`: none
 * the SDK signs with); a TypeError naming the `option` it came in otherwise.
 */
export function algorithmOfSigningKey(key: CryptoKeyLike, option: string): string | undefined {
  if (key.type !== 'private' || !key.usages.includes('sign')) {
    throw new TypeError(`${option} must be a private CryptoKey with the usage "sign"`);
  }
  const { name, hash, namedCurve } = key.algorithm as { name: string; hash?: { name: string }; namedCurve?: string };
  if (name === 'RSASSA-PKCS1-v1_5' && hash?.name === 'SHA-256') return 'RS256';
  if (name === 'RSA-PSS' && hash?.name === 'SHA-256') return 'PS256';
  if (name === 'ECDSA' && namedCurve === 'P-256') return 'ES256';
  if (name === 'Ed25519') return 'EdDSA';
  return undefined;
}

export const encoder = new TextEncoder();

/** RFC 7515 §2: base64url without padding. */
export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A JOSE header or claims set, encoded (RFC 7515 §7.1). */
export const encodeJson = (value: object): string => base64url(encoder.encode(JSON.stringify(value)));

/** A compact JWS of `header` (encoded already: the same for every JWS of a key) and `claims`. */
export async function signJws(
  algorithm: Parameters<Subtle['sign']>[0],
  key: SigningKey,
  header: string,
  claims: object,
): Promise<string> {
  const input = `${header}.${encodeJson(claims)}`;
  return `${input}.${base64url(await crypto.subtle.sign(algorithm, key, encoder.encode(input)))}`;
}
