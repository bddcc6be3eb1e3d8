import { generateKeyPairSync } from 'node:crypto';
import type { ClientAssertionAlgorithm } from '@realmkit/contract';
import { exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, type PrivateKey, Realmkit } from '../src/index.ts';
import { baseUrl, countingFetch, createRealm } from './support/realmkit.ts';

// The SDK without a secret against the real server: an m2m application registered with public
// keys (`private_key_jwt`) gets its tokens with the private half, and manages what its role allows.

let realm: string;
let admin: Realmkit;
let readerRoleId: string;

beforeAll(async () => {
  ({ name: realm, admin } = await createRealm('sdk-pkjwt'));
  const management = (await admin.resources.list()).data[0]!;
  const usersRead = (await admin.resources.scopes.list(management.id, { search: 'users:read' })).data[0]!;
  const role = await admin.roles.create({ name: 'key-reader' });
  await admin.roles.scopes.assign(role.id, [usersRead.id]);
  readerRoleId = role.id;
});

/** An m2m application with `publicJwk` as its only key, holding users:read. */
async function keyClient(publicJwk: object): Promise<string> {
  const app = await admin.applications.create({
    name: 'key worker',
    type: 'm2m',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [publicJwk as { kty: 'EC' }] },
  });
  expect(app).not.toHaveProperty('client_secret');
  await admin.applications.roles.assign(app.id, [readerRoleId]);
  return app.client_id;
}

/** A key pair of `alg`, the private half in the form `form`, the public one as a JWK with kid `kid`. */
async function keys(alg: ClientAssertionAlgorithm, form: 'jwk' | 'CryptoKey' | 'KeyObject', kid: string) {
  if (form === 'KeyObject') {
    const pair =
      alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : alg === 'EdDSA'
          ? generateKeyPairSync('ed25519')
          : generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      publicJwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg },
      privateKey: { key: pair.privateKey, kid, alg } satisfies PrivateKey,
    };
  }
  const pair = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg };
  if (form === 'CryptoKey') return { publicJwk, privateKey: { key: pair.privateKey, kid } satisfies PrivateKey };
  // The private JWK carries its kid and alg: nothing else to say.
  return { publicJwk, privateKey: { key: { ...(await exportJWK(pair.privateKey)), kid, alg } } satisfies PrivateKey };
}

describe('private_key_jwt against the server', () => {
  const cases = [
    ['ES256', 'jwk'],
    ['RS256', 'CryptoKey'],
    ['PS256', 'KeyObject'],
    ['EdDSA', 'jwk'],
    ['EdDSA', 'KeyObject'],
  ] as const;

  it.each(cases)('%s with a private key as a %s: tokens, again after the first is dropped', async (alg, form) => {
    const { publicJwk, privateKey } = await keys(alg, form, `${alg}-${form}`);
    const clientId = await keyClient(publicJwk);
    const counting = countingFetch();
    const rk = new Realmkit({ baseUrl, realm, clientId, privateKey, fetch: counting.fetch });

    await expect(rk.users.list()).resolves.toMatchObject({ meta: { current_page: 1 } });
    // A new token request: a new assertion, which the server's replay check lets through.
    rk.tokens.invalidate();
    await expect(rk.users.list()).resolves.toMatchObject({ meta: { current_page: 1 } });
    expect(counting.tokenRequests()).toBe(2);
  });

  it('a key the application does not have: AuthenticationError invalid_client, from the token endpoint', async () => {
    const registered = await keys('ES256', 'jwk', 'registered');
    const clientId = await keyClient(registered.publicJwk);
    const other = await keys('ES256', 'jwk', 'registered');
    const rk = new Realmkit({ baseUrl, realm, clientId, privateKey: other.privateKey });

    const error = await rk.users.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, error: 'invalid_client' });
  });
});
