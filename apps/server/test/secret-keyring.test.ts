import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { SealedBox } from '../src/crypto/sealed-box.ts';
import { loadSecretKeyring, SecretKey, SecretKeyConfigError, SecretKeyring } from '../src/crypto/secret-key.ts';
import { readLinkToken, signLinkToken } from '../src/users/signed-link.ts';

const one = SecretKey.generate();
const two = SecretKey.generate();
const base64 = (key: Buffer) => key.toString('base64');

/** A value as releases before keyrings sealed it: `v1.<iv>.<tag>.<ciphertext>`, naming no key. */
function sealV1(plaintext: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.');
}

describe('sealed values name their key', () => {
  const before = new SecretKeyring(one);
  const after = new SecretKeyring(two, [one]);
  const twoAlone = new SecretKeyring(two);

  it('are sealed with the current key and opened with the key they name', () => {
    const sealed = before.signingKeys.seal('private key');
    expect(sealed.startsWith(`v2.${one.id}.`)).toBe(true);
    expect(after.signingKeys.open(sealed)).toBe('private key');
    expect(after.signingKeys.isCurrent(sealed)).toBe(false);
    const resealed = after.signingKeys.seal(after.signingKeys.open(sealed));
    expect(after.signingKeys.isCurrent(resealed)).toBe(true);
    expect(twoAlone.signingKeys.open(resealed)).toBe('private key');
    expect(() => twoAlone.signingKeys.open(sealed)).toThrow(
      `sealed with secret key ${one.id}, which is not configured`,
    );
  });

  it('open values sealed before keyrings (v1) with whichever key of the ring sealed them', () => {
    const legacy = sealV1('kept response', one.idempotencyResponseKey);
    expect(after.idempotencyResponses.open(legacy)).toBe('kept response');
    expect(after.idempotencyResponses.isCurrent(legacy)).toBe(false);
    expect(() => twoAlone.idempotencyResponses.open(legacy)).toThrow('not configured');
  });

  it('refuse an altered value, and one of another use (each use has its own key)', () => {
    const sealed = after.signInForms.seal('{"csrf":"x"}');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('{"csrf":"y"}').toString('base64url');
    expect(() => after.signInForms.open(parts.join('.'))).toThrow();
    expect(() => after.signingKeys.open(sealed)).toThrow();
    expect(() => new SealedBox([])).toThrow();
  });
});

describe('emailed links', () => {
  it('verify with any key of the ring: a link signed before the key changed works while its key is listed', () => {
    const id = randomUUID();
    const token = signLinkToken(one.emailVerificationKey, id, new Date(Date.now() + 60_000));
    expect(readLinkToken([two.emailVerificationKey, one.emailVerificationKey], token)?.id).toBe(id);
    expect(readLinkToken([two.emailVerificationKey], token)).toBeUndefined();
    expect(readLinkToken([two.emailVerificationKey, one.passwordResetKey], token)).toBeUndefined();
  });
});

describe('where the keys come from', () => {
  let dataDir: string | undefined;
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  const keyOf = () => randomBytes(32);

  it('REALMKIT_SECRET_KEY_PREVIOUS: keys separated by commas or whitespace; the current key and repeats count once', () => {
    const [a, b, current] = [keyOf(), keyOf(), keyOf()];
    const config = loadConfig({
      REALMKIT_SECRET_KEY: base64(current),
      REALMKIT_SECRET_KEY_PREVIOUS: ` ${base64(a)},${base64(b)}\n${base64(a)} ${base64(current)} `,
    });
    expect(config.previousSecretKeys).toHaveLength(4);
    const ring = new SecretKeyring(
      new SecretKey(current),
      (config.previousSecretKeys ?? []).map((key) => SecretKey.fromBase64(key)),
    );
    expect(ring.previous.map((key) => key.id)).toEqual([new SecretKey(a).id, new SecretKey(b).id]);
    expect(loadConfig({ REALMKIT_SECRET_KEY_PREVIOUS: ' , ' }).previousSecretKeys).toBeUndefined();
  });

  it('with the key file: secret.key.previous beside it, one key a line; a bad line is a configuration error', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'realmkit-keyfile-'));
    const [current, old, older] = [keyOf(), keyOf(), keyOf()];
    await writeFile(path.join(dataDir, 'secret.key'), `${base64(current)}\n`);
    await writeFile(path.join(dataDir, 'secret.key.previous'), `${base64(old)}\n${base64(older)}\n`);
    const loaded = await loadSecretKeyring(undefined, undefined, dataDir);
    expect(loaded).toMatchObject({ source: 'file', previousSource: 'file' });
    expect(loaded.keyring.current.id).toBe(new SecretKey(current).id);
    expect(loaded.keyring.previous.map((key) => key.id)).toEqual([new SecretKey(old).id, new SecretKey(older).id]);

    // A key from the environment takes its previous keys from the environment only.
    const fromEnv = await loadSecretKeyring(base64(keyOf()), undefined, dataDir);
    expect(fromEnv).toMatchObject({ source: 'env', previousSource: undefined });
    expect(fromEnv.keyring.previous).toEqual([]);

    await writeFile(path.join(dataDir, 'secret.key.previous'), `${base64(old)}\nc2hvcnQ=\n`);
    const refused = loadSecretKeyring(undefined, undefined, dataDir);
    await expect(refused).rejects.toBeInstanceOf(SecretKeyConfigError);
    await expect(refused).rejects.toThrow(
      /secret\.key\.previous: key 2 of 2 must be base64 of at least 32 random bytes/,
    );
  });
});
