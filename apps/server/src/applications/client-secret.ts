import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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
 * hash is the right tool (a slow password hash would only slow every token request down).
 */
export function hashClientSecret(secret: string, key: Buffer): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest('base64url');
}

/** Compares in constant time; with no stored hash, still does the work so timing says nothing. */
export function verifyClientSecret(secret: string, storedHash: string | null, key: Buffer): boolean {
  const actual = Buffer.from(hashClientSecret(secret, key), 'base64url');
  const expected = storedHash ? Buffer.from(storedHash, 'base64url') : Buffer.alloc(actual.length);
  return expected.length === actual.length && timingSafeEqual(actual, expected) && storedHash !== null;
}
