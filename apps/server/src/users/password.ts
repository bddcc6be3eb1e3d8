import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import type { ErrorDetail } from '../http/api-error.ts';

/** argon2id with OWASP's parameters (m=19456 KiB, t=2, p=1). */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** Hash formats accepted on import (`password_digest`). */
export const IMPORTED_DIGESTS = {
  bcrypt: /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/,
  argon2id: /^\$argon2id\$v=19\$[mtp]=\d+(,[mtp]=\d+){2}\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
} as const;
export type DigestAlgorithm = keyof typeof IMPORTED_DIGESTS;

/** Hashes on libuv's thread pool, off the event loop. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** Checks a password against an argon2id or an imported bcrypt hash. */
export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return isBcrypt(hash) ? bcrypt.compare(password, hash) : argon2.verify(hash, password);
}

/** Whether a hash should be replaced by a fresh argon2id one after a successful check. */
export function needsRehash(hash: string): boolean {
  return isBcrypt(hash) || argon2.needsRehash(hash, ARGON2_OPTIONS);
}

function isBcrypt(hash: string): boolean {
  return hash.startsWith('$2');
}

/** Problems with a password under the realm's policy; empty when it is acceptable. */
export function passwordProblems(password: string, email: string | undefined, path = 'password'): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push({ path, message: `Must be at least ${PASSWORD_MIN_LENGTH} characters` });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push({ path, message: `Must be at most ${PASSWORD_MAX_LENGTH} characters` });
  }
  if (email && password.toLowerCase() === email.toLowerCase()) {
    problems.push({ path, message: 'Must not be the email address' });
  }
  return problems;
}
