import { IMPORTED_HASH_LIMITS, PASSWORD_MAX_LENGTH } from '@realmkit/contract';
import type { ErrorDetail } from '../errors/api-error.ts';

/**
 * argon2 and bcrypt (native addons, both run on libuv's thread pool, off the event loop) are
 * imported on the first password a server hashes or checks, not at start: a server that only
 * issues tokens never needs them, and memory once taken by a module stays taken for the process's life.
 */
let argon2Module: Promise<typeof import('argon2')> | undefined;
let bcryptModule: Promise<typeof import('bcrypt')> | undefined;
const loadArgon2 = () => (argon2Module ??= import('argon2').then((module) => module.default));
const loadBcrypt = () => (bcryptModule ??= import('bcrypt').then((module) => module.default));

/** argon2, and argon2id with OWASP's parameters (m=19456 KiB, t=2, p=1). */
async function argon2id() {
  const argon2 = await loadArgon2();
  return { argon2, options: { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const };
}

/** Hash formats accepted on import (`password_digest`). */
export const IMPORTED_DIGESTS = {
  bcrypt: /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/,
  argon2id: /^\$argon2id\$v=19\$[mtp]=\d+(,[mtp]=\d+){2}\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
} as const;
export type DigestAlgorithm = keyof typeof IMPORTED_DIGESTS;

const BCRYPT_COST = /^\$2[aby]\$(\d{2})\$/;
const ARGON2_PARAMETERS = /^\$argon2id?\$v=\d+\$([^$]+)\$/;

/**
 * Whether checking a password against `hash` costs at most IMPORTED_HASH_LIMITS: this server's
 * own hashes do; an imported one must (checked on import, and again before every check, for hashes
 * stored before the bounds). A hash of another shape is judged by its verifier.
 */
export function withinCostLimits(hash: string): boolean {
  const bcrypt = BCRYPT_COST.exec(hash);
  if (bcrypt) return Number(bcrypt[1]) <= IMPORTED_HASH_LIMITS.bcryptMaxCost;
  const argon2 = ARGON2_PARAMETERS.exec(hash);
  if (!argon2?.[1]) return true;
  const parameters = new Map(
    argon2[1].split(',').map((pair) => {
      const [name = '', value = ''] = pair.split('=');
      return [name, Number(value)] as const;
    }),
  );
  const within = (name: string, max: number) => {
    const value = parameters.get(name);
    return value !== undefined && Number.isSafeInteger(value) && value <= max;
  };
  return (
    within('m', IMPORTED_HASH_LIMITS.argon2idMaxMemoryKiB) &&
    within('t', IMPORTED_HASH_LIMITS.argon2idMaxTimeCost) &&
    within('p', IMPORTED_HASH_LIMITS.argon2idMaxParallelism)
  );
}

/** Hashes on libuv's thread pool, off the event loop. */
export async function hashPassword(password: string): Promise<string> {
  const { argon2, options } = await argon2id();
  return argon2.hash(password, options);
}

/**
 * Checks a password against an argon2id or an imported bcrypt hash. A hash that costs more than
 * IMPORTED_HASH_LIMITS (imported before they were enforced) matches nothing and is never run: one
 * check of it could hold a CPU for days, or take a gigabyte.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  if (!withinCostLimits(hash)) return false;
  if (!isBcrypt(hash)) return (await loadArgon2()).verify(hash, password);
  // `$2y$` (PHP's crypt_blowfish) is `$2b$` under another name; the addon knows only `$2a$` and `$2b$`.
  return (await loadBcrypt()).compare(password, hash.replace(/^\$2y\$/, '$2b$'));
}

/** Whether a hash should be replaced by a fresh argon2id one after a successful check. */
export async function needsRehash(hash: string): Promise<boolean> {
  if (isBcrypt(hash)) return true;
  const { argon2, options } = await argon2id();
  return argon2.needsRehash(hash, options);
}

function isBcrypt(hash: string): boolean {
  return hash.startsWith('$2');
}

/** What a realm asks of a password: its `password_policy` (the maximum, PASSWORD_MAX_LENGTH, is every realm's). */
export interface PasswordPolicy {
  minLength: number;
  refuseBreached: boolean;
}

let breachedList: Promise<ReadonlySet<string>> | undefined;
/**
 * Common and breached passwords, lower-cased: the `passwords-common` list of
 * `@zxcvbn-ts/language-common` (about 49,000, from leaked password sets), shipped in the package and
 * read from it on the first password a server checks, once; nothing is asked of the network.
 */
const loadBreached = () =>
  (breachedList ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common'].map((password) => password.toLowerCase())),
  ));

/** Whether `password`, ignoring case, is on the list of common and breached passwords. */
export async function isBreachedPassword(password: string): Promise<boolean> {
  return (await loadBreached()).has(password.toLowerCase());
}

/** The message of a password on the list, as policy errors' details give it. */
export const BREACHED_PASSWORD_MESSAGE = 'Is too common: it appears in lists of breached passwords';

/**
 * Problems with a password under a realm's policy; empty when it is acceptable. Its length, not
 * the email and, with `refuseBreached`, not on the list: no rules on the kinds of characters (NIST
 * SP 800-63B).
 */
export async function passwordProblems(
  password: string,
  policy: PasswordPolicy,
  email: string | undefined,
  path = 'password',
): Promise<ErrorDetail[]> {
  const problems: ErrorDetail[] = [];
  const length = [...password].length;
  if (length < policy.minLength) {
    problems.push({ path, message: `Must be at least ${policy.minLength} characters` });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push({ path, message: `Must be at most ${PASSWORD_MAX_LENGTH} characters` });
  }
  if (email && password.toLowerCase() === email.toLowerCase()) {
    problems.push({ path, message: 'Must not be the email address' });
  }
  // Only a password of an allowed length is looked up: the list is full of short ones, and one
  // message (the length) tells what to change first.
  if (policy.refuseBreached && problems.length === 0 && (await isBreachedPassword(password))) {
    problems.push({ path, message: BREACHED_PASSWORD_MESSAGE });
  }
  return problems;
}
