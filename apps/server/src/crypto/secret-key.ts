import { createHmac, createSecretKey, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SealedBox } from './sealed-box.ts';

const MIN_BYTES = 32;

/** Hex digits of the fingerprint that name a key in what it sealed (`v2.<id>.…`) and in messages. */
const KEY_ID_LENGTH = 8;

/**
 * One root key (`REALMKIT_SECRET_KEY`, or one of `REALMKIT_SECRET_KEY_PREVIOUS`). Separate keys are
 * derived from it with HKDF for each use, so that one use can never be turned against another.
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
  /** The fingerprint's first hex digits: what sealed values and hashes record to say which key made them. */
  readonly id: string;

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
    this.id = keyIdOf(this.fingerprint);
  }

  static fromBase64(value: string): SecretKey {
    return new SecretKey(Buffer.from(value.replace(/\s+/g, ''), 'base64'));
  }

  static generate(): SecretKey {
    return new SecretKey(randomBytes(MIN_BYTES));
  }
}

/** The id of the key whose fingerprint this is (the database stores fingerprints; values name ids). */
export function keyIdOf(fingerprint: string): string {
  return fingerprint.slice(0, KEY_ID_LENGTH);
}

/** A key of one use, and the id of the root key it comes from. */
export interface KeyOf<K> {
  readonly id: string;
  readonly key: K;
}

/**
 * `REALMKIT_SECRET_KEY` and the keys it replaced (`REALMKIT_SECRET_KEY_PREVIOUS`, like Django's
 * `SECRET_KEY_FALLBACKS`): new values are sealed, hashed and signed with the current key; what an
 * earlier key made is still read, each sealed value and client-secret hash naming its key.
 */
export class SecretKeyring {
  readonly current: SecretKey;
  /** The keys it replaced, in the order configured. */
  readonly previous: readonly SecretKey[];
  /** Every key, the current one first. */
  readonly all: readonly SecretKey[];
  /** Private signing keys at rest. */
  readonly signingKeys: SealedBox;
  /** The responses kept for `Idempotency-Key` replays. */
  readonly idempotencyResponses: SealedBox;
  /** What a sign-in page's form carries to its post. */
  readonly signInForms: SealedBox;

  constructor(current: SecretKey, previous: readonly SecretKey[] = []) {
    this.current = current;
    // A key listed twice, or listed as previous while current, is one key.
    const others = previous.filter(
      (key, index) => key.id !== current.id && previous.findIndex((other) => other.id === key.id) === index,
    );
    this.previous = others;
    this.all = [current, ...others];
    const box = (pick: (key: SecretKey) => Buffer) => new SealedBox(this.keysFor(pick));
    this.signingKeys = box((key) => key.encryptionKey);
    this.idempotencyResponses = box((key) => key.idempotencyResponseKey);
    this.signInForms = box((key) => key.signInFormKey);
  }

  /** One use's key from every key of the ring, the current one first. */
  keysFor<K>(pick: (key: SecretKey) => K): KeyOf<K>[] {
    return this.all.map((key) => ({ id: key.id, key: pick(key) }));
  }

  /** The key with this id, if the ring has it. */
  byId(id: string): SecretKey | undefined {
    return this.all.find((key) => key.id === id);
  }

  /** Whether one of the ring's keys has this fingerprint. */
  hasFingerprint(fingerprint: string): boolean {
    return this.all.some((key) => key.fingerprint === fingerprint);
  }
}

function derive(root: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), info, 32));
}

/** Base64 (RFC 4648 §4) or its URL-safe alphabet (§5), padded or not; whitespace (line breaks) aside. */
const BASE64 = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;

const ADVICE = `must be base64 of at least ${MIN_BYTES} random bytes (create one with \`openssl rand -base64 32\`)`;

/**
 * What is wrong with a configured `REALMKIT_SECRET_KEY`, as words that follow the variable's name
 * (`undefined`: nothing). Strict, unlike `Buffer.from(value, 'base64')`, which skips characters it
 * does not know: a mistyped key must be refused, not silently become another key. Never quotes the value.
 */
export function secretKeyProblem(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    return `${ADVICE}; it has characters base64 does not use`;
  }
  const bytes = Buffer.from(compact, 'base64').length;
  if (bytes < MIN_BYTES) return `${ADVICE}; it decodes to ${bytes} bytes`;
  return undefined;
}

/**
 * The keys of a list (`REALMKIT_SECRET_KEY_PREVIOUS`, `secret.key.previous`): separated by commas
 * or whitespace (one per line in a file), so a key itself must not be wrapped over lines.
 */
export function splitKeyList(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

/** What is wrong with a list of keys, naming the key by its position (`undefined`: nothing). */
export function secretKeyListProblem(value: string): string | undefined {
  const keys = splitKeyList(value);
  for (const [index, key] of keys.entries()) {
    const problem = secretKeyProblem(key);
    if (problem) return `key ${index + 1} of ${keys.length} ${problem}`;
  }
  return undefined;
}

/** A key file or list that is not what it must be: a configuration error (`realmkit` exits 3). */
export class SecretKeyConfigError extends Error {
  override name = 'SecretKeyConfigError';
}

/** Where the keys came from: the environment, the data directory's files, or generated there now. */
export interface LoadedKeyring {
  keyring: SecretKeyring;
  source: 'env' | 'file' | 'generated';
  previousSource: 'env' | 'file' | undefined;
}

/**
 * The configured key, or the one kept in `${dataDir}/secret.key` (generated on first start), with
 * the previous keys: `REALMKIT_SECRET_KEY_PREVIOUS`, or else, where the key file is in use, those
 * listed in `${dataDir}/secret.key.previous`, if that file exists. Returns whether the key was generated, so
 * the caller can warn that instances must share it.
 */
export async function loadSecretKeyring(
  configured: string | undefined,
  configuredPrevious: readonly string[] | undefined,
  dataDir: string,
): Promise<LoadedKeyring> {
  const { key, source } = await loadCurrentKey(configured, dataDir);
  if (configuredPrevious) {
    const problem = secretKeyListProblem(configuredPrevious.join(' '));
    if (problem) throw new SecretKeyConfigError(`REALMKIT_SECRET_KEY_PREVIOUS: ${problem}`);
    return { keyring: ring(key, configuredPrevious), source, previousSource: 'env' };
  }
  // The key file's companion, where the key file is in use: a key from the environment has its previous ones there too.
  const file = path.join(dataDir, 'secret.key.previous');
  const listed = source === 'env' ? undefined : await readIfExists(file);
  if (listed === undefined) return { keyring: new SecretKeyring(key), source, previousSource: undefined };
  const problem = secretKeyListProblem(listed);
  if (problem) throw new SecretKeyConfigError(`${file}: ${problem}`);
  return { keyring: ring(key, splitKeyList(listed)), source, previousSource: 'file' };
}

function ring(current: SecretKey, previous: readonly string[]): SecretKeyring {
  const keys = previous.map((value) => SecretKey.fromBase64(value));
  const clash = keys.find((key) => key.id === current.id && key.fingerprint !== current.fingerprint);
  if (clash) throw new SecretKeyConfigError(`two different secret keys share the id ${clash.id}: replace one`);
  return new SecretKeyring(current, keys);
}

async function loadCurrentKey(
  configured: string | undefined,
  dataDir: string,
): Promise<{ key: SecretKey; source: LoadedKeyring['source'] }> {
  if (configured) {
    // loadConfig() refuses such a key first (a configuration error); this guards other callers.
    const problem = secretKeyProblem(configured);
    if (problem) throw new SecretKeyConfigError(`REALMKIT_SECRET_KEY ${problem}`);
    return { key: SecretKey.fromBase64(configured), source: 'env' };
  }
  const file = path.join(dataDir, 'secret.key');
  const kept = await readIfExists(file);
  if (kept !== undefined) {
    const problem = secretKeyProblem(kept);
    if (problem) throw new SecretKeyConfigError(`${file} ${problem}`);
    return { key: SecretKey.fromBase64(kept), source: 'file' };
  }
  const root = randomBytes(MIN_BYTES);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${root.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { key: new SecretKey(root), source: 'generated' };
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
