import argon2 from 'argon2';
import type { ErrorDetail } from '../http/api-error.ts';

/** argon2id with OWASP's parameters (m=19456 KiB, t=2, p=1). */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** Hashes on libuv's thread pool, off the event loop. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password);
}

/** Problems with a password under the realm's policy; empty when it is acceptable. */
export function passwordProblems(password: string, email: string | undefined): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push({ path: 'password', message: `Must be at least ${PASSWORD_MIN_LENGTH} characters` });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push({ path: 'password', message: `Must be at most ${PASSWORD_MAX_LENGTH} characters` });
  }
  if (email && password.toLowerCase() === email.toLowerCase()) {
    problems.push({ path: 'password', message: 'Must not be the email address' });
  }
  return problems;
}
