import { createHash, randomUUID, type webcrypto } from 'node:crypto';
import { DPOP_HEADER, DPOP_NONCE_HEADER, DPOP_PROOF_TYPE, DPOP_SCHEME } from '@realmkit/contract';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  jwtVerify,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  type ClientCredentials,
  DpopKey,
  type DpopKeyPair,
  type PrivateKey,
  Realmkit,
  type RealmkitOptions,
  type TokenSource,
} from '../src/index.ts';
import { baseUrl, createRealm, masterClient } from './support/realmkit.ts';

// DPoP (RFC 9449) from the SDK against the real server: tokens bound to the SDK's key, a new proof
// on every request (retries included), the server's nonces followed, and the binding holding
// when the token is taken out of the client.

let realm: string;
let admin: Realmkit;
let readerRoleId: string;

beforeAll(async () => {
  ({ name: realm, admin } = await createRealm('sdk-dpop'));
  readerRoleId = await readerRole(admin);
});

/** A role holding users:read in the realm `rk` manages. */
async function readerRole(rk: Realmkit): Promise<string> {
  const management = (await rk.resources.list()).data[0]!;
  const usersRead = (await rk.resources.scopes.list(management.id, { search: 'users:read' })).data[0]!;
  const role = await rk.roles.create({ name: `reader-${randomUUID().slice(0, 8)}` });
  await rk.roles.scopes.assign(role.id, [usersRead.id]);
  return role.id;
}

/** An m2m application of the realm `rk` manages, holding users:read. */
async function m2mClient(rk: Realmkit = admin, roleId = readerRoleId) {
  const app = await rk.applications.create({ name: 'dpop worker', type: 'm2m' });
  await rk.applications.roles.assign(app.id, [roleId]);
  return { id: app.id, clientId: app.client_id, clientSecret: app.client_secret as string };
}

/** A request the SDK sent, as the server got it, and the status it answered. */
interface Sent {
  method: string;
  url: string;
  authorization: string | null;
  proof: string | null;
  status: number;
  /** The `DPoP-Nonce` the server answered (before any rewrite). */
  nonce: string | null;
}

/**
 * A fetch that records what it sends and gets. `rewrite` may change an answer on its way to the
 * SDK (a nonce, say), and `lose` drop it after the server has answered: the network failing after
 * the server did the work.
 */
function recordingFetch(
  hooks: { rewrite?: (sent: Sent, headers: Headers) => void; lose?: (sent: Sent) => boolean } = {},
) {
  const sent: Sent[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const response = await fetch(input, init);
    const record: Sent = {
      method: init?.method ?? 'GET',
      url: String(input),
      authorization: headers.get('authorization'),
      proof: headers.get(DPOP_HEADER),
      status: response.status,
      nonce: response.headers.get(DPOP_NONCE_HEADER),
    };
    sent.push(record);
    if (hooks.lose?.(record)) {
      await response.arrayBuffer();
      throw new TypeError('fetch failed: the answer was lost');
    }
    if (!hooks.rewrite) return response;
    const answerHeaders = new Headers(response.headers);
    hooks.rewrite(record, answerHeaders);
    return new Response(await response.arrayBuffer(), { status: response.status, headers: answerHeaders });
  };
  const isToken = (s: Sent) => s.url.endsWith('/token');
  return {
    fetch: fetchFn,
    sent,
    tokenRequests: () => sent.filter(isToken),
    apiRequests: () => sent.filter((s) => !isToken(s)),
  };
}

/** An SDK client of the test realm with `dpop: true` and `fetch`. */
function dpopClient(
  client: { clientId: string; clientSecret: string },
  options: Partial<RealmkitOptions> = {},
  name = realm,
): Realmkit {
  return new Realmkit({ baseUrl, realm: name, ...client, dpop: true, ...options } as RealmkitOptions);
}

const claimsOf = (proof: string | null) => decodeJwt(proof ?? '');
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** The thumbprint (RFC 7638) of a key pair's public half, by jose: not the SDK's code. */
async function thumbprintOf(keyPair: DpopKeyPair): Promise<string> {
  return calculateJwkThumbprint(
    (await crypto.subtle.exportKey('jwk', keyPair.publicKey as webcrypto.CryptoKey)) as JWK,
  );
}

/** The access token the client holds now, with its type. */
function heldToken(rk: Realmkit) {
  return (rk.tokens as ClientCredentials).getAccessToken();
}

describe('dpop: true', () => {
  let client: Awaited<ReturnType<typeof m2mClient>>;
  beforeAll(async () => {
    client = await m2mClient();
  });

  it('gets a DPoP token bound to its own key (cnf.jkt) and uses it on the Management API', async () => {
    const recorder = recordingFetch();
    const rk = dpopClient(client, { fetch: recorder.fetch });
    const page = await rk.users.list({ search: 'nobody', per_page: 5 });
    expect(page.meta.total).toBe(0);

    const token = await heldToken(rk);
    expect(token.tokenType).toBe(DPOP_SCHEME);
    const { payload } = await jwtVerify(
      token.accessToken,
      createRemoteJWKSet(new URL(`${baseUrl}/oauth2/${realm}/jwks`)),
    );
    const keyPair = await rk.tokens.dpop!.getKeyPair();
    expect(payload.cnf).toEqual({ jkt: await thumbprintOf(keyPair) });

    const [tokenRequest, apiRequest] = recorder.sent;
    // The token request's proof (RFC 9449 §4.2): the public key only, for POST to the token endpoint.
    const header = decodeProtectedHeader(tokenRequest!.proof ?? '');
    expect(header).toMatchObject({ typ: DPOP_PROOF_TYPE, alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(Object.keys(header.jwk ?? {}).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(claimsOf(tokenRequest!.proof)).toMatchObject({ htm: 'POST', htu: `${baseUrl}/oauth2/${realm}/token` });
    expect(claimsOf(tokenRequest!.proof)).not.toHaveProperty('ath');
    // The API request's: the DPoP scheme, ath of the token, htu without the query (§7.1).
    expect(apiRequest!.url).toContain('?');
    expect(apiRequest!.authorization).toBe(`DPoP ${token.accessToken}`);
    expect(claimsOf(apiRequest!.proof)).toMatchObject({
      htm: 'GET',
      htu: `${baseUrl}/api/v1/${realm}/users`,
      ath: sha256(token.accessToken),
    });
    expect(recorder.sent.map((s) => s.status)).toEqual([200, 200]);
  });

  it('the token taken out of the client is refused as Bearer (401): it is bound to the key', async () => {
    const rk = dpopClient(client);
    await rk.users.list();
    const { accessToken } = await heldToken(rk);
    const url = `${baseUrl}/api/v1/${realm}/users`;

    const asBearer = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token"/);
    // With a proof of the client's key, as the DpopKey example shows for an API of your own.
    const withProof = await fetch(url, {
      headers: { authorization: `DPoP ${accessToken}`, dpop: await rk.tokens.dpop!.proof('GET', url, accessToken) },
    });
    expect(withProof.status).toBe(200);
  });

  it('makes a key pair whose private key cannot be exported', async () => {
    const rk = dpopClient(client);
    const { privateKey, publicKey } = (await rk.tokens.dpop!.getKeyPair()) as webcrypto.CryptoKeyPair;
    expect(privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', privateKey)).rejects.toThrow(/not extractable/);
    await expect(crypto.subtle.exportKey('jwk', publicKey)).resolves.toMatchObject({ kty: 'EC', crv: 'P-256' });
    // Each client its own key.
    const other = await dpopClient(client).tokens.dpop!.getKeyPair();
    expect(await thumbprintOf(other)).not.toBe(await thumbprintOf({ privateKey, publicKey }));
  });

  it('signs a new proof per request: 30 calls in a row and 100 at once, none refused as a replay', async () => {
    const recorder = recordingFetch();
    const rk = dpopClient(client, { fetch: recorder.fetch });
    for (let i = 0; i < 30; i++) await rk.users.list();
    await Promise.all(Array.from({ length: 100 }, () => rk.users.list()));

    // One token, 130 API requests and not one sent again: no proof was refused.
    expect(recorder.tokenRequests()).toHaveLength(1);
    expect(recorder.apiRequests()).toHaveLength(130);
    expect(recorder.sent.every((s) => s.status === 200)).toBe(true);
    expect(new Set(recorder.sent.map((s) => claimsOf(s.proof).jti)).size).toBe(131);
  });

  it('signs a new proof for each retry: answers lost after the server used the proof', async () => {
    // The first token request and the first API read reach the server; their answers are lost.
    const toLose = new Set(['POST', 'GET']);
    const recorder = recordingFetch({ lose: (s) => toLose.delete(s.method) });
    const rk = dpopClient(client, { fetch: recorder.fetch });
    await expect(rk.users.list()).resolves.toMatchObject({ meta: { current_page: 1 } });

    expect(recorder.sent.map((s) => `${s.method} ${s.status}`)).toEqual(['POST 200', 'POST 200', 'GET 200', 'GET 200']);
    const jtis = recorder.sent.map((s) => claimsOf(s.proof).jti);
    expect(new Set(jtis).size).toBe(4);
  });

  it('after a 401 for its token (revoked), gets a new DPoP token and sends the call again', async () => {
    const recorder = recordingFetch();
    const rk = dpopClient(client, { fetch: recorder.fetch });
    await rk.users.list();
    const first = await heldToken(rk);
    const revoked = await fetch(`${baseUrl}/oauth2/${realm}/revoke`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: first.accessToken }),
    });
    expect(revoked.status).toBe(200);
    // A Management API write makes the server check every token anew at once (its hot-path cache
    // would otherwise keep the verified token for a second or two: decision 0015).
    await admin.roles.create({ name: `after-revoke-${randomUUID().slice(0, 8)}` });

    await expect(rk.users.list()).resolves.toMatchObject({ meta: { current_page: 1 } });
    expect(recorder.sent.map((s) => `${s.method} ${s.status}`)).toEqual([
      'POST 200',
      'GET 200',
      'GET 401',
      'POST 200',
      'GET 200',
    ]);
    const second = await heldToken(rk);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.tokenType).toBe(DPOP_SCHEME);
    expect(decodeJwt(second.accessToken).cnf).toEqual(decodeJwt(first.accessToken).cnf);
  });

  it('with a private key (private_key_jwt) and a key pair of the caller (Ed25519, not extractable)', async () => {
    const signing = await generateKeyPair('ES256', { extractable: true });
    const app = await admin.applications.create({
      name: 'keyed dpop worker',
      type: 'm2m',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(signing.publicKey)), kid: 'k1', alg: 'ES256' } as { kty: 'EC' }] },
    });
    await admin.applications.roles.assign(app.id, [readerRoleId]);
    const keyPair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
      'sign',
      'verify',
    ])) as unknown as webcrypto.CryptoKeyPair;
    const rk = new Realmkit({
      baseUrl,
      realm,
      clientId: app.client_id,
      privateKey: { key: signing.privateKey, kid: 'k1' } satisfies PrivateKey,
      dpop: { keyPair },
    });

    await expect(rk.users.list()).resolves.toMatchObject({ meta: { current_page: 1 } });
    const { accessToken, tokenType } = await heldToken(rk);
    expect(tokenType).toBe(DPOP_SCHEME);
    expect(decodeJwt(accessToken).cnf).toEqual({ jkt: await thumbprintOf(keyPair) });
  });

  it("sends the proofs of a tokenSource's own DpopKey, as a browser app's sign-in would give it", async () => {
    const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as unknown as webcrypto.CryptoKeyPair;
    const key = new DpopKey({ keyPair });
    // A token bound to the key, got without the SDK's token provider.
    const tokenUrl = `${baseUrl}/oauth2/${realm}/token`;
    const granted = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
        dpop: await key.proof('POST', tokenUrl),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const { access_token: accessToken, token_type: tokenType } = (await granted.json()) as {
      access_token: string;
      token_type: string;
    };
    expect(tokenType).toBe(DPOP_SCHEME);
    const tokenSource: TokenSource = {
      dpop: key,
      getAccessToken: async () => ({ accessToken, tokenType }),
      getToken: async () => accessToken,
      invalidate: () => {},
    };
    const recorder = recordingFetch();
    const rk = new Realmkit({ baseUrl, realm, tokenSource, fetch: recorder.fetch });
    await expect(rk.users.list()).resolves.toMatchObject({ meta: { current_page: 1 } });
    expect(recorder.sent.map((s) => s.authorization)).toEqual([`DPoP ${accessToken}`]);
    const { x, y } = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
    expect(decodeProtectedHeader(recorder.sent[0]!.proof ?? '').jwk).toEqual({ kty: 'EC', crv: 'P-256', x, y });
  });

  it('is what an application with dpop_bound_access_tokens needs', async () => {
    const strict = await m2mClient();
    await admin.applications.update(strict.id, { dpop_bound_access_tokens: true });
    const without = new Realmkit({ baseUrl, realm, ...strict });
    const refused = await without.users.list().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused).toMatchObject({ status: 400, code: 'invalid_dpop_proof' });

    await expect(dpopClient(strict).users.list()).resolves.toMatchObject({ meta: { current_page: 1 } });
  });

  it('refuses a key pair that cannot sign DPoP proofs, where the client is made', async () => {
    const ecdh = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ])) as webcrypto.CryptoKeyPair;
    expect(() => dpopClient(client, { dpop: { keyPair: ecdh } })).toThrow(/usage "sign"/);
    const verifyOnly = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    expect(() => dpopClient(client, { dpop: { keyPair: verifyOnly } })).toThrow(/not a key of ES256/);
    expect(() => new Realmkit({ baseUrl, realm, tokenSource: dpopClient(client).tokens, dpop: true } as never)).toThrow(
      /not a tokenSource/,
    );
  });
});

describe('server nonces (RFC 9449 §8, §9)', () => {
  let nonceRealm: string;
  let client: Awaited<ReturnType<typeof m2mClient>>;
  const master = () => masterClient();
  const requireNonce = (on: boolean) => master().realms.update(nonceRealm, { require_dpop_nonce: on });

  beforeAll(async () => {
    const created = await createRealm('sdk-dpop-nonce');
    nonceRealm = created.name;
    client = await m2mClient(created.admin, await readerRole(created.admin));
  });

  it('at the token endpoint: sent again at once with the nonce, which the API then gets too', async () => {
    await requireNonce(true);
    const recorder = recordingFetch();
    const rk = dpopClient(client, { fetch: recorder.fetch, maxRetries: 0 }, nonceRealm);
    await expect(rk.users.list()).resolves.toMatchObject({ meta: { current_page: 1 } });

    const [first, second, read] = recorder.sent;
    expect(recorder.sent.map((s) => `${s.method} ${s.status}`)).toEqual(['POST 400', 'POST 200', 'GET 200']);
    expect(claimsOf(first!.proof)).not.toHaveProperty('nonce');
    expect(claimsOf(second!.proof).nonce).toBe(first!.nonce);
    // The latest nonce the server gave, at the API of the same server.
    expect(claimsOf(read!.proof).nonce).toBe(second!.nonce);
    expect(claimsOf(second!.proof).jti).not.toBe(claimsOf(first!.proof).jti);
  });

  it('at the API: the call sent again at once with the nonce, the token kept', async () => {
    await requireNonce(false);
    const recorder = recordingFetch();
    const rk = dpopClient(client, { fetch: recorder.fetch, maxRetries: 0 }, nonceRealm);
    await rk.users.list();
    await requireNonce(true);

    await expect(rk.users.list()).resolves.toMatchObject({ meta: { current_page: 1 } });
    expect(recorder.sent.map((s) => `${s.method} ${s.status}`)).toEqual(['POST 200', 'GET 200', 'GET 401', 'GET 200']);
    const [, , refused, retried] = recorder.sent;
    expect(claimsOf(refused!.proof)).not.toHaveProperty('nonce');
    expect(claimsOf(retried!.proof).nonce).toBe(refused!.nonce);
  });

  it('a second nonce refusal in a row is an error: at the token endpoint, and at the API', async () => {
    await requireNonce(true);
    // Every nonce the client sees is one the server never gave.
    let bogus = 0;
    const corrupt = (_: Sent, headers: Headers) => {
      if (headers.has(DPOP_NONCE_HEADER)) headers.set(DPOP_NONCE_HEADER, `not-a-nonce-${bogus++}`);
    };
    const atToken = recordingFetch({ rewrite: corrupt });
    const refused = await dpopClient(client, { fetch: atToken.fetch }, nonceRealm)
      .users.list()
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused).toMatchObject({ status: 400, code: 'use_dpop_nonce' });
    expect(atToken.sent.map((s) => `${s.method} ${s.status}`)).toEqual(['POST 400', 'POST 400']);

    // At the API: the token endpoint's first nonce left alone (the client gets its token), every
    // later one corrupted, that of the token's answer included.
    const atApi = recordingFetch({ rewrite: (sent, headers) => sent.status !== 400 && corrupt(sent, headers) });
    const error = await dpopClient(client, { fetch: atApi.fetch }, nonceRealm)
      .users.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'use_dpop_nonce' });
    // Two attempts, and no new token: the token was never the problem.
    expect(atApi.sent.map((s) => `${s.method} ${s.status}`)).toEqual(['POST 400', 'POST 200', 'GET 401', 'GET 401']);
  });
});
