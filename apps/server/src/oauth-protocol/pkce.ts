import { createHash } from 'node:crypto';
import { sameSecret } from '../crypto/random-secret.ts';

/** RFC 7636 §4.2: an S256 challenge is BASE64URL(SHA256(verifier)), 43 characters without padding. */
export const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** RFC 7636 §4.1: a verifier is 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * Whether `verifier` is the one whose S256 challenge is `challenge` (RFC 7636 §4.6).
 *
 * @example
 * verifiesS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'); // true
 */
export function verifiesS256(verifier: string, challenge: string): boolean {
  if (!VERIFIER.test(verifier)) return false;
  return sameSecret(createHash('sha256').update(verifier).digest('base64url'), challenge);
}
