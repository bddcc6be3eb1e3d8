import { createHmac, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new client id: 128 random bits, URL-safe. */
export function generateClientId(): string {
  return randomBytes(16).toString('base64url');
}

/** A new client secret: 256 random bits, URL-safe. Shown once; only its HMAC is stored. */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Keyed hash of a client secret. Secrets are high-entropy random strings, so a fast keyed
 * hash is the right tool (a slow password hash would only slow every token request down). The
 * key is a prepared `KeyObject`: with a raw Buffer, node:crypto prepares it on every call, which
 * made an HMAC cost 9 µs instead of 1.4.
 */
function digestOf(secret: string, key: KeyObject): Buffer {
  return createHmac('sha256', key).update(secret, 'utf8').digest();
}

/** What is stored for a client secret: its keyed hash, base64url. */
export function hashClientSecret(secret: string, key: KeyObject): string {
  return digestOf(secret, key).toString('base64url');
}

/**
 * Whether `secret` is one of the stored hashes (`null` for none: the application does not exist,
 * or has no previous secret). Hashes once and compares with every entry in constant time, so the
 * time says neither which matched nor whether any exists.
 */
export function verifyClientSecret(secret: string, storedHashes: readonly (string | null)[], key: KeyObject): boolean {
  const actual = digestOf(secret, key);
  let matched = false;
  for (const storedHash of storedHashes) {
    const expected = storedHash ? Buffer.from(storedHash, 'base64url') : Buffer.alloc(actual.length);
    const equal = expected.length === actual.length && timingSafeEqual(actual, expected);
    matched = (equal && storedHash !== null) || matched;
  }
  return matched;
}
