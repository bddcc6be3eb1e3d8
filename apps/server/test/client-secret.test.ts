import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateClientSecret, hashClientSecret, matchClientSecret } from '../src/applications/client-secret.ts';

const key = { id: 'aaaaaaaa', key: createSecretKey(randomBytes(32)) };
const oldKey = { id: 'bbbbbbbb', key: createSecretKey(randomBytes(32)) };
const otherKey = { id: 'cccccccc', key: createSecretKey(randomBytes(32)) };

const hashed = (secret: string, with_ = key, keyId: string | null = with_.id) => ({
  hash: hashClientSecret(secret, with_.key),
  keyId,
});

describe('client secrets', () => {
  it('match their own hash, under the current or the previous slot, and nothing else', () => {
    const current = generateClientSecret();
    const previous = generateClientSecret();
    const stored = [hashed(current), hashed(previous)];
    expect(matchClientSecret(current, stored, [key])).toBe(0);
    expect(matchClientSecret(previous, stored, [key])).toBe(1);
    expect(matchClientSecret(previous, [hashed(current), { hash: null, keyId: null }], [key])).toBe(-1);
    expect(matchClientSecret(generateClientSecret(), stored, [key])).toBe(-1);
    expect(matchClientSecret(current, stored, [otherKey])).toBe(-1);
  });

  it('never match when nothing is stored, nor a stored value of another length', () => {
    const secret = generateClientSecret();
    const none = { hash: null, keyId: null };
    expect(matchClientSecret(secret, [none, none], [key])).toBe(-1);
    expect(matchClientSecret('', [none], [key])).toBe(-1);
    const cut = { hash: hashClientSecret(secret, key.key).slice(0, 20), keyId: key.id };
    expect(matchClientSecret(secret, [cut], [key])).toBe(-1);
  });

  it('check each hash with the key it names; with every key of the ring when it names none', () => {
    const secret = generateClientSecret();
    // Hashed with the old key, which the ring still holds as a previous key.
    expect(matchClientSecret(secret, [hashed(secret, oldKey)], [key, oldKey])).toBe(0);
    // ...but not once it is gone from the ring, nor when the hash names another key than the one that made it.
    expect(matchClientSecret(secret, [hashed(secret, oldKey)], [key])).toBe(-1);
    expect(matchClientSecret(secret, [{ ...hashed(secret, oldKey), keyId: key.id }], [key, oldKey])).toBe(-1);
    // A hash from before keyrings names no key: any key of the ring may have made it.
    expect(matchClientSecret(secret, [hashed(secret, oldKey, null)], [key, oldKey])).toBe(0);
    expect(matchClientSecret(secret, [hashed(secret, oldKey, null)], [key])).toBe(-1);
  });
});
