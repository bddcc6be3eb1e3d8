import { createHmac, createSecretKey, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const MIN_BYTES = 32;

/**
 * `REALMKIT_SECRET_KEY`: the root of every secret the server keeps. Separate keys are derived
 * from it with HKDF for each use, so that one use can never be turned against another.
 */
export class SecretKey {
  /** AES-256-GCM key for private signing keys at rest. */
  readonly encryptionKey: Buffer;
  /** HMAC-SHA-256 key for client secrets, prepared once: every token request uses it. */
  readonly clientSecretKey: KeyObject;
  /** HMAC-SHA-256 key for the tokens in email verification links. */
  readonly emailVerificationKey: Buffer;
  /** HMAC-SHA-256 key for the tokens in password reset links. */
  readonly passwordResetKey: Buffer;
  /** AES-256-GCM key for the responses kept for `Idempotency-Key` replays (they can hold secrets). */
  readonly idempotencyResponseKey: Buffer;
  /** HMAC-SHA-256 key for the fingerprints of idempotent requests (their bodies can hold passwords). */
  readonly idempotencyFingerprintKey: Buffer;
  /** AES-256-GCM key for what a sign-in page carries between its form and its post (the authorization request). */
  readonly signInFormKey: Buffer;
  /** HMAC-SHA-256 key for DPoP server nonces (RFC 9449 §8), the same on every instance. */
  readonly dpopNonceKey: Buffer;
  /** Identifies the key without revealing it; stored in the database to catch a mismatch. */
  readonly fingerprint: string;

  constructor(root: Buffer) {
    if (root.length < MIN_BYTES) throw new Error(`the secret key must be at least ${MIN_BYTES} bytes`);
    this.encryptionKey = derive(root, 'realmkit/signing-key-encryption/v1');
    this.clientSecretKey = createSecretKey(derive(root, 'realmkit/client-secret-hmac/v1'));
    this.emailVerificationKey = derive(root, 'realmkit/email-verification-link/v1');
    this.passwordResetKey = derive(root, 'realmkit/password-reset-link/v1');
    this.idempotencyResponseKey = derive(root, 'realmkit/idempotency-response-encryption/v1');
    this.idempotencyFingerprintKey = derive(root, 'realmkit/idempotency-fingerprint/v1');
    this.signInFormKey = derive(root, 'realmkit/sign-in-form/v1');
    this.dpopNonceKey = derive(root, 'realmkit/dpop-nonce/v1');
    this.fingerprint = createHmac('sha256', derive(root, 'realmkit/fingerprint/v1')).update('realmkit').digest('hex');
  }

  static fromBase64(value: string): SecretKey {
    return new SecretKey(Buffer.from(value, 'base64'));
  }

  static generate(): SecretKey {
    return new SecretKey(randomBytes(MIN_BYTES));
  }
}

function derive(root: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), info, 32));
}

/** Base64 (RFC 4648 §4) or its URL-safe alphabet (§5), padded or not; whitespace (line breaks) aside. */
const BASE64 = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;

/**
 * What is wrong with a configured `REALMKIT_SECRET_KEY`, as words that follow the variable's name
 * (`undefined`: nothing). Strict, unlike `Buffer.from(value, 'base64')`, which skips characters it
 * does not know: a mistyped key must be refused, not silently become another key. Never quotes the value.
 */
export function secretKeyProblem(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  const advice = `must be base64 of at least ${MIN_BYTES} random bytes (create one with \`openssl rand -base64 32\`)`;
  if (!BASE64.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    return `${advice}; it has characters base64 does not use`;
  }
  const bytes = Buffer.from(compact, 'base64').length;
  if (bytes < MIN_BYTES) return `${advice}; it decodes to ${bytes} bytes`;
  return undefined;
}

/**
 * The configured key, or the one kept in `${dataDir}/secret.key` (generated on first start).
 * Returns whether it was generated, so the caller can warn that instances must share it.
 */
export async function loadSecretKey(
  configured: string | undefined,
  dataDir: string,
): Promise<{ key: SecretKey; source: 'env' | 'file' | 'generated' }> {
  if (configured) {
    // loadConfig() refuses such a key first (a configuration error); this guards other callers.
    const problem = secretKeyProblem(configured);
    if (problem) throw new Error(`REALMKIT_SECRET_KEY ${problem}`);
    return { key: SecretKey.fromBase64(configured.replace(/\s+/g, '')), source: 'env' };
  }
  const file = path.join(dataDir, 'secret.key');
  try {
    return { key: SecretKey.fromBase64((await readFile(file, 'utf8')).trim()), source: 'file' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const root = randomBytes(MIN_BYTES);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${root.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { key: new SecretKey(root), source: 'generated' };
}
