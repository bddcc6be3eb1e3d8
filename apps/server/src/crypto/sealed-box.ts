import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** An AES-256-GCM key and the id of the root key it was derived from (SecretKey.id). */
export interface SealingKey {
  readonly id: string;
  readonly key: Buffer;
}

/** Before keyrings: `v1.<iv>.<tag>.<ciphertext>`, which names no key. Read, never written. */
const V1 = 'v1';
/** `v2.<key id>.<iv>.<tag>.<ciphertext>`, base64url parts. */
const V2 = 'v2';

/**
 * Seals with the current key of a keyring and opens with whichever key a value names
 * (`REALMKIT_SECRET_KEY` and `REALMKIT_SECRET_KEY_PREVIOUS`: the keys of one use, current first).
 * Every sealed value says which key sealed it, so that `realmkit rotate-secret-key` finds the
 * ones to seal again and opening never tries keys in turn (but for `v1` values, which name none).
 */
export class SealedBox {
  readonly #current: SealingKey;
  readonly #keys: readonly SealingKey[];

  constructor(keys: readonly SealingKey[]) {
    const [current] = keys;
    if (!current) throw new Error('a sealed box needs a key');
    this.#current = current;
    this.#keys = keys;
  }

  /** The id of the key new values are sealed with. */
  get currentId(): string {
    return this.#current.id;
  }

  /** What a value sealed now begins with: what {@link isCurrent} looks for (SQL `like` too: ids are hex). */
  get currentPrefix(): string {
    return `${V2}.${this.#current.id}.`;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [V2, this.#current.id, ...parts].join('.');
  }

  /** Decrypts what {@link seal} (or a release before keyrings) produced; throws if altered, or if no key of the ring sealed it. */
  open(sealed: string): string {
    const parts = sealed.split('.');
    if (parts[0] === V2 && parts.length === 5) {
      const [, id, iv, tag, ciphertext] = parts as [string, string, string, string, string];
      const key = this.#keys.find((candidate) => candidate.id === id);
      if (!key) throw new Error(`sealed with secret key ${id}, which is not configured (REALMKIT_SECRET_KEY_PREVIOUS)`);
      return decrypt(key.key, iv, tag, ciphertext);
    }
    if (parts[0] === V1 && parts.length === 4) {
      const [, iv, tag, ciphertext] = parts as [string, string, string, string];
      for (const key of this.#keys) {
        try {
          return decrypt(key.key, iv, tag, ciphertext);
        } catch {
          // Another key of the ring sealed it (GCM's tag tells): try the next.
        }
      }
      throw new Error('sealed with a secret key that is not configured');
    }
    throw new Error('unrecognised sealed value');
  }

  /** Whether `sealed` is sealed with the current key (nothing to do for a rotation). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(this.currentPrefix);
  }
}

function decrypt(key: Buffer, iv: string, tag: string, ciphertext: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
