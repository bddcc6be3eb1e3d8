import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from '../src/applications/client-secret.ts';

const key = createSecretKey(randomBytes(32));
const otherKey = createSecretKey(randomBytes(32));

describe('client secrets', () => {
  it('match their own hash, under the current or the previous slot, and nothing else', () => {
    const current = generateClientSecret();
    const previous = generateClientSecret();
    const stored = [hashClientSecret(current, key), hashClientSecret(previous, key)];
    expect(verifyClientSecret(current, stored, key)).toBe(true);
    expect(verifyClientSecret(previous, stored, key)).toBe(true);
    expect(verifyClientSecret(previous, [stored[0] as string, null], key)).toBe(false);
    expect(verifyClientSecret(generateClientSecret(), stored, key)).toBe(false);
    expect(verifyClientSecret(current, stored, otherKey)).toBe(false);
  });

  it('never match when nothing is stored, nor a stored value of another length', () => {
    const secret = generateClientSecret();
    expect(verifyClientSecret(secret, [null, null], key)).toBe(false);
    expect(verifyClientSecret('', [null], key)).toBe(false);
    expect(verifyClientSecret(secret, [hashClientSecret(secret, key).slice(0, 20)], key)).toBe(false);
  });
});
