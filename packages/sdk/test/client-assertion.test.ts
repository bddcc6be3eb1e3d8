import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLIENT_ASSERTION_ALGORITHMS,
  CLIENT_ASSERTION_MAX_LIFETIME_SECONDS,
  type ClientAssertionAlgorithm,
  JWT_BEARER_ASSERTION_TYPE,
} from '@realmkit/contract';
import { type CryptoKey, decodeJwt, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ClientCredentials,
  type ClientCredentialsOptions,
  type PrivateKey,
  Realmkit,
  type RealmkitOptions,
} from '../src/index.ts';
import { fromTokenFile } from '../src/node.ts';
import {
  data,
  FAKE_PUBLIC_URL,
  type FakeServer,
  failure,
  json,
  type RecordedRequest,
  startFakeServer,
} from './support/fake-server.ts';

const CLIENT_ID = 'billing-worker';
const USER = { id: 'u1', email: 'jane@example.com', name: 'Jane Doe' };

let server: FakeServer;
let tempDir: string;
beforeAll(async () => {
  server = await startFakeServer();
  tempDir = await mkdtemp(join(tmpdir(), 'realmkit-sdk-assertion-'));
});
afterAll(async () => {
  await server.close();
  await rm(tempDir, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A token endpoint's answer. */
const token = (accessToken: string, expiresIn = 3600) =>
  json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, scope: 'users:read' });

/** The requests to the token endpoint since `from`, each with its form. */
function tokenRequests(from: number): (RecordedRequest & { form: URLSearchParams })[] {
  return server.requests
    .slice(from)
    .filter((request) => request.path === '/oauth2/acme/token')
    .map((request) => ({ ...request, form: new URLSearchParams(request.body) }));
}

/** A ClientCredentials of the realm `acme` on the fake server, with `credential`. */
function credentials(credential: Partial<ClientCredentialsOptions>, maxRetries = 0): ClientCredentials {
  return new ClientCredentials({
    baseUrl: server.url,
    realm: 'acme',
    clientId: CLIENT_ID,
    maxRetries,
    ...credential,
  } as ClientCredentialsOptions);
}

/** Gets a token, then (after `invalidate`) another: two token requests. Answers their forms. */
async function twoTokenRequests(tokens: ClientCredentials): Promise<(RecordedRequest & { form: URLSearchParams })[]> {
  const from = server.requests.length;
  server.script(token('at-1'), token('at-2'));
  expect(await tokens.getToken()).toBe('at-1');
  tokens.invalidate();
  expect(await tokens.getToken()).toBe('at-2');
  const sent = tokenRequests(from);
  expect(sent).toHaveLength(2);
  return sent;
}

/** RFC 7523 §2.2's form: the assertion fields, no secret anywhere. */
function expectAssertionForm(request: RecordedRequest & { form: URLSearchParams }): string {
  expect(request.method).toBe('POST');
  expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(request.headers.authorization).toBeUndefined();
  expect(request.form.get('grant_type')).toBe('client_credentials');
  expect(request.form.get('client_id')).toBe(CLIENT_ID);
  expect(request.form.get('client_assertion_type')).toBe(JWT_BEARER_ASSERTION_TYPE);
  expect(request.form.has('client_secret')).toBe(false);
  const assertion = request.form.get('client_assertion');
  expect(assertion).toBeTruthy();
  return assertion as string;
}

/** Node's name and options for a key pair of `alg` (PS256 signs with a plain RSA key). */
function nodeKeyPair(alg: ClientAssertionAlgorithm) {
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519');
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

describe('private_key_jwt: a signed assertion instead of a secret', () => {
  it('covers every algorithm the contract allows', () => {
    expect([...CLIENT_ASSERTION_ALGORITHMS].sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
  });

  describe.each(CLIENT_ASSERTION_ALGORITHMS)('%s', (alg) => {
    let publicKey: CryptoKey;
    let privateKey: CryptoKey;
    beforeAll(async () => {
      ({ publicKey, privateKey } = await generateKeyPair(alg, { extractable: true }));
    });

    /** Checks both assertions against the public key and the claims RFC 7523 §3 asks for. */
    async function expectVerifiedAssertions(
      sent: (RecordedRequest & { form: URLSearchParams })[],
      verifyWith: CryptoKey | Parameters<typeof jwtVerify>[1],
      kid: string | undefined,
    ): Promise<void> {
      const jtis: unknown[] = [];
      for (const request of sent) {
        const { payload, protectedHeader } = await jwtVerify(expectAssertionForm(request), verifyWith as CryptoKey, {
          algorithms: [alg],
          typ: 'JWT',
          issuer: CLIENT_ID,
          subject: CLIENT_ID,
          audience: `${FAKE_PUBLIC_URL}/oauth2/acme`,
        });
        expect(protectedHeader).toEqual(kid === undefined ? { alg, typ: 'JWT' } : { alg, kid, typ: 'JWT' });
        // The issuer of the realm's discovery document, not baseUrl: the server may sit behind a proxy.
        expect(payload.aud).toBe(`${FAKE_PUBLIC_URL}/oauth2/acme`);
        expect(typeof payload.jti).toBe('string');
        expect(Math.abs((payload.iat as number) - request.wallTime / 1000)).toBeLessThanOrEqual(2);
        expect((payload.exp as number) - (payload.iat as number)).toBe(60);
        expect((payload.exp as number) - (payload.iat as number)).toBeLessThanOrEqual(
          CLIENT_ASSERTION_MAX_LIFETIME_SECONDS,
        );
        jtis.push(payload.jti);
      }
      expect(new Set(jtis).size).toBe(sent.length);
    }

    it('a private JWK: the alg from the JWK (or the option), the kid from the JWK', async () => {
      const jwk = { ...(await exportJWK(privateKey)), kid: `jwk-${alg}` };
      // An RSA JWK without `alg` signs RS256; PS256 is named, in the JWK or the option.
      const key = alg === 'PS256' ? { key: jwk, alg } : { key: jwk };
      await expectVerifiedAssertions(await twoTokenRequests(credentials({ privateKey: key })), publicKey, `jwk-${alg}`);
    });

    it('a CryptoKey: the alg from its algorithm, the kid from the option', async () => {
      const key: PrivateKey = { key: privateKey, kid: 'crypto-key' };
      await expectVerifiedAssertions(await twoTokenRequests(credentials({ privateKey: key })), publicKey, 'crypto-key');
    });

    it('a Node.js KeyObject, without a kid', async () => {
      const pair = nodeKeyPair(alg);
      const key: PrivateKey = alg === 'PS256' ? { key: pair.privateKey, alg } : { key: pair.privateKey };
      await expectVerifiedAssertions(
        await twoTokenRequests(credentials({ privateKey: key })),
        pair.publicKey as unknown as CryptoKey,
        undefined,
      );
    });
  });

  it('a retry of the token request carries a new assertion: the server accepts a jti once', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const from = server.requests.length;
    server.script(failure(503), token('after-retry'));
    const tokens = credentials({ privateKey: { key: privateKey } }, 1);
    expect(await tokens.getToken()).toBe('after-retry');
    const [first, retry] = tokenRequests(from)
      .map(expectAssertionForm)
      .map((jwt) => decodeJwt(jwt));
    expect(first?.jti).toBeTruthy();
    expect(retry?.jti).toBeTruthy();
    expect(retry?.jti).not.toBe(first?.jti);
  });

  it('Realmkit with a privateKey: one token request for concurrent calls, a new one (new jti) after a 401', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const rk = new Realmkit({
      baseUrl: server.url,
      realm: 'acme',
      clientId: CLIENT_ID,
      privateKey: { key: privateKey },
    });
    const from = server.requests.length;
    server.script(token('at-1'), ...Array.from({ length: 5 }, () => data(USER)));
    const users = await Promise.all(Array.from({ length: 5 }, () => rk.users.get('u1')));
    expect(users).toEqual(Array.from({ length: 5 }, () => USER));
    expect(tokenRequests(from)).toHaveLength(1);

    // The API refuses the token: a new token request, then the call once more.
    server.script(failure(401, {}, 'invalid_token'), token('at-2'), data(USER));
    expect(await rk.users.get('u1')).toEqual(USER);
    const sent = tokenRequests(from);
    expect(sent).toHaveLength(2);
    const [first, second] = sent.map(expectAssertionForm).map((jwt) => decodeJwt(jwt).jti);
    expect(second).not.toBe(first);
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer at-2');
  });

  it('replaces its token once 90% of its life has passed, with a new assertion', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const tokens = credentials({ privateKey: { key: privateKey } });
    const from = server.requests.length;
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    server.script(token('at-1', 100), token('at-2', 100));
    expect(await tokens.getToken()).toBe('at-1');
    vi.setSystemTime(start + 89_000);
    expect(await tokens.getToken()).toBe('at-1');
    vi.setSystemTime(start + 91_000);
    expect(await tokens.getToken()).toBe('at-2');
    const sent = tokenRequests(from)
      .map(expectAssertionForm)
      .map((jwt) => decodeJwt(jwt));
    expect(sent).toHaveLength(2);
    // Signed at the (fake) time of each request.
    expect(sent.map((claims) => claims.iat)).toEqual([Math.floor(start / 1000), Math.floor((start + 91_000) / 1000)]);
  });
});

describe('clientAssertion: a federated credential', () => {
  it('is called for every token request, its result sent as is with client_id and no secret', async () => {
    let calls = 0;
    const clientAssertion = vi.fn(async () => `platform-token-${++calls}`);
    const sent = await twoTokenRequests(credentials({ clientAssertion }));
    expect(clientAssertion).toHaveBeenCalledTimes(2);
    expect(sent.map(expectAssertionForm)).toEqual(['platform-token-1', 'platform-token-2']);
  });

  it('Realmkit asks again after a 401', async () => {
    let calls = 0;
    const clientAssertion = vi.fn(async () => `platform-token-${++calls}`);
    const rk = new Realmkit({ baseUrl: server.url, realm: 'acme', clientId: CLIENT_ID, clientAssertion });
    const from = server.requests.length;
    server.script(token('at-1'), failure(401, {}, 'invalid_token'), token('at-2'), data(USER));
    expect(await rk.users.get('u1')).toEqual(USER);
    expect(clientAssertion).toHaveBeenCalledTimes(2);
    expect(tokenRequests(from).map(expectAssertionForm)).toEqual(['platform-token-1', 'platform-token-2']);
  });

  it('an empty assertion fails the token request before it is sent', async () => {
    const from = server.requests.length;
    const tokens = credentials({ clientAssertion: async () => '' });
    await expect(tokens.getToken()).rejects.toThrow(new TypeError('clientAssertion gave no assertion'));
    expect(server.requests.length).toBe(from);
  });

  describe('fromTokenFile', () => {
    it('reads the file anew for every token request, trimmed', async () => {
      const path = join(tempDir, 'token');
      await writeFile(path, '  first.platform.token\n');
      const tokens = credentials({ clientAssertion: fromTokenFile(path) });
      const from = server.requests.length;
      server.script(token('at-1'), token('at-2'));
      expect(await tokens.getToken()).toBe('at-1');
      // The platform replaces the token (as the kubelet does, before it expires).
      await writeFile(path, 'second.platform.token\n');
      tokens.invalidate();
      expect(await tokens.getToken()).toBe('at-2');
      expect(tokenRequests(from).map(expectAssertionForm)).toEqual(['first.platform.token', 'second.platform.token']);
    });

    it('a missing or empty file fails the token request, sending nothing', async () => {
      const from = server.requests.length;
      const missing = join(tempDir, 'missing');
      await expect(credentials({ clientAssertion: fromTokenFile(missing) }).getToken()).rejects.toMatchObject({
        code: 'ENOENT',
      });
      const empty = join(tempDir, 'empty');
      await writeFile(empty, '\n');
      await expect(credentials({ clientAssertion: fromTokenFile(empty) }).getToken()).rejects.toThrow(
        `The token file ${empty} is empty`,
      );
      expect(server.requests.length).toBe(from);
    });
  });
});

describe('exactly one credential', () => {
  const settings = { baseUrl: 'http://127.0.0.1:9', realm: 'acme' };
  const clientAssertion = async () => 'platform-token';
  let privateKey: PrivateKey;
  beforeAll(async () => {
    privateKey = { key: await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey) };
  });

  it('Realmkit refuses none, or two, with a TypeError naming them', () => {
    const make = (options: object) => () => new Realmkit({ ...settings, ...options } as RealmkitOptions);
    const choice = 'clientSecret, privateKey, clientAssertion or tokenSource';
    expect(make({ clientId: CLIENT_ID })).toThrow(new TypeError(`Realmkit needs a credential: one of ${choice}`));
    expect(make({ clientId: CLIENT_ID, clientSecret: 's', privateKey })).toThrow(
      new TypeError(`Realmkit takes one credential of ${choice}, not clientSecret and privateKey`),
    );
    expect(make({ clientId: CLIENT_ID, privateKey, clientAssertion })).toThrow(
      new TypeError(`Realmkit takes one credential of ${choice}, not privateKey and clientAssertion`),
    );
    expect(make({ clientSecret: 's', tokenSource: { getToken: clientAssertion, invalidate() {} } })).toThrow(
      new TypeError(`Realmkit takes one credential of ${choice}, not clientSecret and tokenSource`),
    );
    expect(make({ privateKey })).toThrow(new TypeError('Realmkit needs clientId with privateKey'));
    // An option set to undefined is not given.
    expect(make({ clientId: CLIENT_ID, clientSecret: undefined, clientAssertion })).not.toThrow();
  });

  it('ClientCredentials too', () => {
    const make = (options: object) => () =>
      new ClientCredentials({ ...settings, clientId: CLIENT_ID, ...options } as ClientCredentialsOptions);
    const choice = 'clientSecret, privateKey or clientAssertion';
    expect(make({})).toThrow(new TypeError(`ClientCredentials needs a credential: one of ${choice}`));
    expect(make({ clientSecret: 's', clientAssertion })).toThrow(
      new TypeError(`ClientCredentials takes one credential of ${choice}, not clientSecret and clientAssertion`),
    );
    expect(make({ clientId: '', clientAssertion })).toThrow(
      new TypeError('ClientCredentials needs clientId with clientAssertion'),
    );
  });

  it('the types allow one credential only', () => {
    const made = () => [
      // @ts-expect-error: a secret and a key
      new Realmkit({ ...settings, clientId: CLIENT_ID, clientSecret: 's', privateKey }),
      // @ts-expect-error: a key and an assertion
      new Realmkit({ ...settings, clientId: CLIENT_ID, privateKey, clientAssertion }),
      // @ts-expect-error: a token source and a secret
      new Realmkit({ ...settings, tokenSource: { getToken: clientAssertion, invalidate() {} }, clientSecret: 's' }),
      // @ts-expect-error: no clientId
      new Realmkit({ ...settings, privateKey }),
      // @ts-expect-error: a secret and an assertion
      new ClientCredentials({ ...settings, clientId: CLIENT_ID, clientSecret: 's', clientAssertion }),
    ];
    expect(made).toThrow(TypeError);
  });

  it('a key that cannot sign an assertion is a TypeError where the client is made', async () => {
    const make = (key: PrivateKey) => () => credentials({ privateKey: key });
    const es256 = await generateKeyPair('ES256', { extractable: true });
    expect(make({ key: await exportJWK(es256.publicKey) })).toThrow(
      new TypeError('privateKey.key must be a private key (the JWK has no "d")'),
    );
    expect(make({ key: es256.publicKey })).toThrow(
      new TypeError('privateKey.key must be a private CryptoKey with the usage "sign"'),
    );
    expect(make({ key: generateKeyPairSync('ed25519').publicKey })).toThrow(
      new TypeError('privateKey.key must be a private KeyObject'),
    );
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    expect(make({ key: p384 })).toThrow(
      new TypeError('privateKey: no algorithm for this key; name one of RS256, PS256, ES256, EdDSA'),
    );
    const hs256 = { ...(await exportJWK(es256.privateKey)), alg: 'HS256' };
    expect(make({ key: hs256 })).toThrow(
      new TypeError('privateKey: alg HS256 is not supported; name one of RS256, PS256, ES256, EdDSA'),
    );
  });
});
