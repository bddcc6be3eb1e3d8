import { randomUUID } from 'node:crypto';
import * as DPoP from 'dpop';
import {
  createLocalJWKSet,
  decodeJwt,
  exportJWK,
  type JWK,
  generateKeyPair as joseKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CookieJar,
  exchangeSpaCode,
  pkce,
  type SignInRealm,
  signInRealm,
  startSignInServer,
  submitLogin,
} from './support/sign-in.ts';
import type { TestServer } from './support/test-server.ts';

/**
 * DPoP (RFC 9449): a token bound to a key the client holds, at the token endpoint (§5) and at the
 * resources Realmkit serves (§7). Proven with openid-client's DPoP support and with proofs the
 * `dpop` package makes (libraries nobody here wrote), and with proofs built by hand for each way
 * one can be wrong.
 */
let server: TestServer;
let admin: string;
let realm: { id: string; name: string };
let issuer: string;
let client: { clientId: string; clientSecret: string; applicationId: string };
let userPath: string;

const tokenUrl = () => `${issuer}/token`;

beforeAll(async () => {
  server = await startSignInServer();
  admin = await server.masterToken();
  realm = await server.createRealm(admin, 'dpop');
  issuer = `${server.url}/oauth2/${realm.name}`;
  client = await server.createRealmClient(realm.name, ['users:read', 'users:write']);
  const user = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
    token: admin,
    json: { email: `dpop-${randomUUID().slice(0, 8)}@example.com` },
  });
  userPath = `/api/v1/${realm.name}/users/${user.id}`;
});
afterAll(() => server?.close());

/** A client_credentials request of the test client, with `headers` (its DPoP proof). */
function clientCredentials(headers: Record<string, string> = {}, who = client) {
  return server.call('POST', `/oauth2/${realm.name}/token`, {
    form: { grant_type: 'client_credentials', scope: 'users:read' },
    headers: {
      authorization: `Basic ${Buffer.from(`${who.clientId}:${who.clientSecret}`).toString('base64')}`,
      ...headers,
    },
  });
}

/** A DPoP-bound token of the test client, for `keyPair`. */
async function boundToken(keyPair: DPoP.KeyPair): Promise<string> {
  const answer = await clientCredentials({ dpop: await DPoP.generateProof(keyPair, tokenUrl(), 'POST') });
  expect(answer.status).toBe(200);
  expect(answer.body.token_type).toBe('DPoP');
  return answer.body.access_token;
}

/** GET `path` of the Management API with `authorization` and an optional proof. */
function apiGet(path: string, authorization: string, proof?: string) {
  return server.call('GET', path, { headers: { authorization, ...(proof ? { dpop: proof } : {}) } });
}

function expectChallenge(
  answer: Awaited<ReturnType<TestServer['call']>>,
  error: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce',
  description?: RegExp,
) {
  expect(answer.status).toBe(401);
  expect(answer.body.error).toBe(error);
  const challenge = answer.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^DPoP algs="ES256 EdDSA Ed25519 PS256 RS256"/);
  expect(challenge).toContain(`error="${error}"`);
  if (description) expect(answer.body.message).toMatch(description);
}

describe('DPoP through openid-client', () => {
  it('gets a DPoP-bound token (cnf.jkt of its key) and uses it on the Management API', async () => {
    const config = await oidc.discovery(new URL(issuer), client.clientId, client.clientSecret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const keyPair = await oidc.randomDPoPKeyPair('ES256');
    const dpop = oidc.getDPoPHandle(config, keyPair);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'users:read' }, { DPoP: dpop });
    expect(tokens.token_type).toBe('dpop');

    const jwks = await server.call('GET', `/oauth2/${realm.name}/jwks`);
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks.body), { issuer });
    expect(payload.cnf).toEqual({ jkt: await DPoP.calculateThumbprint(keyPair.publicKey) });

    const answer = await oidc.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${server.url}${userPath}`),
      'GET',
      undefined,
      undefined,
      { DPoP: dpop },
    );
    expect(answer.status).toBe(200);
    // Each use carries a new proof: a second request works as well.
    const again = await oidc.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${server.url}${userPath}?fields=all`),
      'GET',
      undefined,
      undefined,
      { DPoP: dpop },
    );
    expect(again.status).toBe(200);
  });

  it('lists its algorithms in discovery', async () => {
    const document = (await server.call('GET', `/oauth2/${realm.name}/.well-known/openid-configuration`)).body;
    expect(document.dpop_signing_alg_values_supported).toEqual(['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256']);
  });
});

describe('DPoP at the Management API (RFC 9449 §7)', () => {
  let keyPair: DPoP.KeyPair;
  let token: string;
  const url = () => `${server.url}${userPath}`;

  beforeAll(async () => {
    keyPair = await DPoP.generateKeyPair('ES256');
    token = await boundToken(keyPair);
  });

  it('accepts a proof of the bound key for this method, URL and token', async () => {
    const proof = await DPoP.generateProof(keyPair, url(), 'GET', undefined, token);
    expect((await apiGet(userPath, `DPoP ${token}`, proof)).status).toBe(200);
  });

  it('refuses a replayed proof', async () => {
    const proof = await DPoP.generateProof(keyPair, url(), 'GET', undefined, token);
    expect((await apiGet(userPath, `DPoP ${token}`, proof)).status).toBe(200);
    expectChallenge(await apiGet(userPath, `DPoP ${token}`, proof), 'invalid_dpop_proof', /used already/);
  });

  it('accepts exactly one of concurrent requests with one proof', async () => {
    const proof = await DPoP.generateProof(keyPair, url(), 'GET', undefined, token);
    const answers = await Promise.all(Array.from({ length: 5 }, () => apiGet(userPath, `DPoP ${token}`, proof)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401, 401, 401]);
  });

  it('refuses a proof for another URL, or another method', async () => {
    const elsewhere = await DPoP.generateProof(
      keyPair,
      `${server.url}/api/v1/${realm.name}/users`,
      'GET',
      undefined,
      token,
    );
    expectChallenge(await apiGet(userPath, `DPoP ${token}`, elsewhere), 'invalid_dpop_proof', /another URL/);
    const post = await DPoP.generateProof(keyPair, url(), 'POST', undefined, token);
    expectChallenge(await apiGet(userPath, `DPoP ${token}`, post), 'invalid_dpop_proof', /htm/);
  });

  it('refuses the bound token sent as Bearer, or without a proof', async () => {
    expectChallenge(await apiGet(userPath, `Bearer ${token}`), 'invalid_token', /bound to a DPoP key/);
    expectChallenge(await apiGet(userPath, `DPoP ${token}`), 'invalid_dpop_proof', /exactly one DPoP header/);
  });

  it('refuses a proof signed by another key', async () => {
    const thief = await DPoP.generateKeyPair('ES256');
    const proof = await DPoP.generateProof(thief, url(), 'GET', undefined, token);
    expectChallenge(await apiGet(userPath, `DPoP ${token}`, proof), 'invalid_token', /another key/);
  });

  it('refuses a proof made for another token (ath), or for none', async () => {
    const other = await boundToken(keyPair);
    const forOther = await DPoP.generateProof(keyPair, url(), 'GET', undefined, other);
    expectChallenge(await apiGet(userPath, `DPoP ${token}`, forOther), 'invalid_dpop_proof', /ath/);
    const withoutAth = await DPoP.generateProof(keyPair, url(), 'GET');
    expectChallenge(await apiGet(userPath, `DPoP ${token}`, withoutAth), 'invalid_dpop_proof', /ath/);
  });

  it('refuses an unbound token sent as DPoP, and keeps accepting it as Bearer', async () => {
    const bearer = (await clientCredentials()).body;
    expect(bearer.token_type).toBe('Bearer');
    const proof = await DPoP.generateProof(keyPair, url(), 'GET', undefined, bearer.access_token);
    expectChallenge(await apiGet(userPath, `DPoP ${bearer.access_token}`, proof), 'invalid_token', /not bound/);
    expect((await apiGet(userPath, `Bearer ${bearer.access_token}`)).status).toBe(200);
  });

  it('challenges both schemes when no token is sent', async () => {
    const answer = await server.call('GET', userPath);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="realmkit", DPoP algs="ES256 /);
  });

  it('tells introspection the key a token is bound to (RFC 9449 §6.2)', async () => {
    const answer = await server.call('POST', `/oauth2/${realm.name}/introspect`, {
      form: { token, client_id: client.clientId, client_secret: client.clientSecret },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: await DPoP.calculateThumbprint(keyPair.publicKey) },
    });
  });
});

describe('DPoP proofs at the token endpoint (RFC 9449 §4.3)', () => {
  let keyPair: DPoP.KeyPair;
  beforeAll(async () => {
    keyPair = await DPoP.generateKeyPair('ES256');
  });

  async function expectRefused(proof: string, description: RegExp) {
    const answer = await clientCredentials({ dpop: proof });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_dpop_proof');
    expect(answer.body.error_description).toMatch(description);
  }

  /** A proof signed by hand with jose, `claims` and `header` overriding what RFC 9449 §4.2 wants. */
  async function handMadeProof(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
    const { privateKey, publicKey } = await joseKeyPair('ES256', { extractable: true });
    return new SignJWT({
      jti: randomUUID(),
      htm: 'POST',
      htu: tokenUrl(),
      iat: Math.floor(Date.now() / 1000),
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey), ...header })
      .sign(privateKey);
  }

  it('binds with every algorithm it lists: ES256, Ed25519 and PS256 keys', async () => {
    for (const alg of ['ES256', 'Ed25519', 'PS256', 'RS256'] as const) {
      const pair = await DPoP.generateKeyPair(alg);
      const answer = await clientCredentials({ dpop: await DPoP.generateProof(pair, tokenUrl(), 'POST') });
      expect(answer.status, alg).toBe(200);
      expect(decodeJwt(answer.body.access_token).cnf).toEqual({ jkt: await DPoP.calculateThumbprint(pair.publicKey) });
    }
  });

  it('refuses a replayed proof, one for another URL or method, and a stale one', async () => {
    const proof = await DPoP.generateProof(keyPair, tokenUrl(), 'POST');
    expect((await clientCredentials({ dpop: proof })).status).toBe(200);
    await expectRefused(proof, /used already/);
    await expectRefused(await DPoP.generateProof(keyPair, `${issuer}/introspect`, 'POST'), /another URL/);
    await expectRefused(await DPoP.generateProof(keyPair, tokenUrl(), 'GET'), /htm/);
    await expectRefused(await handMadeProof({ iat: Math.floor(Date.now() / 1000) - 3600 }), /iat/);
  });

  it('refuses a private key in the header, an HMAC or unsigned proof, and a wrong typ', async () => {
    const { privateKey } = await joseKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    await expectRefused(await handMadeProof({}, { jwk: privateJwk }), /invalid/);
    const hmac = await new SignJWT({
      jti: randomUUID(),
      htm: 'POST',
      htu: tokenUrl(),
      iat: Math.floor(Date.now() / 1000),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: 'c2VjcmV0' } as JWK })
      .sign(new TextEncoder().encode('secret-secret-secret-secret-32by'));
    await expectRefused(hmac, /invalid/);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ jti: randomUUID(), htm: 'POST', htu: tokenUrl(), iat: Math.floor(Date.now() / 1000) }),
    ).toString('base64url')}.`;
    await expectRefused(unsigned, /invalid/);
    await expectRefused(await handMadeProof({}, { typ: 'JWT' }), /invalid/);
  });

  it('refuses two DPoP headers, and an over-long proof before decoding it', async () => {
    const one = await DPoP.generateProof(keyPair, tokenUrl(), 'POST');
    const two = await DPoP.generateProof(keyPair, tokenUrl(), 'POST');
    await expectRefused(`${one}, ${two}`, /exactly one/);
    await expectRefused(`${one}${'A'.repeat(4096)}`, /longer than 4096/);
  });

  it('makes proofs mandatory for a client with dpop_bound_access_tokens (RFC 9449 §5.2)', async () => {
    const strict = await server.createRealmClient(realm.name, ['users:read']);
    const updated = await server.expectCall(
      200,
      'PATCH',
      `/api/v1/${realm.name}/applications/${strict.applicationId}`,
      {
        token: admin,
        json: { dpop_bound_access_tokens: true },
      },
    );
    expect(updated.dpop_bound_access_tokens).toBe(true);
    const without = await clientCredentials({}, strict);
    expect(without.status).toBe(400);
    expect(without.body).toMatchObject({ error: 'invalid_dpop_proof' });
    const withProof = await clientCredentials({ dpop: await DPoP.generateProof(keyPair, tokenUrl(), 'POST') }, strict);
    expect(withProof.status).toBe(200);
    expect(withProof.body.token_type).toBe('DPoP');
  });
});

describe('DPoP server nonces (RFC 9449 §8, §9)', () => {
  let nonceRealm: { id: string; name: string };
  let nonceClient: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    nonceRealm = await server.createRealm(admin, 'dpop-nonce');
    const updated = await server.expectCall(200, 'PATCH', `/api/v1/realms/${nonceRealm.name}`, {
      token: admin,
      json: { require_dpop_nonce: true },
    });
    expect(updated.require_dpop_nonce).toBe(true);
    nonceClient = await server.createRealmClient(nonceRealm.name, ['users:read']);
  });

  it('asks for a nonce at the token endpoint and the Management API, and accepts the proof that carries it', async () => {
    const keyPair = await DPoP.generateKeyPair('ES256');
    const nonceTokenUrl = `${server.url}/oauth2/${nonceRealm.name}/token`;
    const request = (proof: string) =>
      server.call('POST', `/oauth2/${nonceRealm.name}/token`, {
        form: {
          grant_type: 'client_credentials',
          client_id: nonceClient.clientId,
          client_secret: nonceClient.clientSecret,
        },
        headers: { dpop: proof },
      });
    const first = await request(await DPoP.generateProof(keyPair, nonceTokenUrl, 'POST'));
    expect(first.status).toBe(400);
    expect(first.body.error).toBe('use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = await request(await DPoP.generateProof(keyPair, nonceTokenUrl, 'POST', nonce as string));
    expect(second.status).toBe(200);
    const token = second.body.access_token;

    const path = `/api/v1/${nonceRealm.name}/users`;
    const url = `${server.url}${path}`;
    const refused = await apiGet(
      path,
      `DPoP ${token}`,
      await DPoP.generateProof(keyPair, url, 'GET', undefined, token),
    );
    expectChallenge(refused, 'use_dpop_nonce');
    const resourceNonce = refused.headers.get('dpop-nonce') as string;
    const made = await DPoP.generateProof(keyPair, url, 'GET', resourceNonce, token);
    expect((await apiGet(path, `DPoP ${token}`, made)).status).toBe(200);
    const forged = await DPoP.generateProof(keyPair, url, 'GET', 'not-a-nonce-of-this-server', token);
    expectChallenge(await apiGet(path, `DPoP ${token}`, forged), 'use_dpop_nonce');
  });

  it('works for openid-client, which retries with the nonce by itself', async () => {
    const config = await oidc.discovery(
      new URL(`${server.url}/oauth2/${nonceRealm.name}`),
      nonceClient.clientId,
      nonceClient.clientSecret,
      undefined,
      { execute: [oidc.allowInsecureRequests] },
    );
    const dpop = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    // openid-client raises the nonce error once, for the caller to retry (it keeps the nonce).
    const grant = () => oidc.clientCredentialsGrant(config, { scope: 'users:read' }, { DPoP: dpop });
    const tokens = await grant().catch((error: unknown) => {
      if (error instanceof oidc.ResponseBodyError && error.error === 'use_dpop_nonce') return grant();
      throw error;
    });
    expect(tokens.token_type).toBe('dpop');
  });
});

describe("DPoP for a public client's sign-in (RFC 9449 §5)", () => {
  let setup: SignInRealm;
  let keyPair: DPoP.KeyPair;
  let tokens: { access_token: string; refresh_token: string; token_type: string };
  let spaTokenUrl: string;

  const refresh = (refreshToken: string, proof?: string) =>
    server.call('POST', `/oauth2/${setup.realm.name}/token`, {
      form: { grant_type: 'refresh_token', client_id: setup.spa.clientId, refresh_token: refreshToken },
      headers: proof ? { dpop: proof } : {},
    });

  beforeAll(async () => {
    setup = await signInRealm(server, 'dpop-spa');
    spaTokenUrl = `${server.url}/oauth2/${setup.realm.name}/token`;
    keyPair = await DPoP.generateKeyPair('ES256');
    const { verifier, challenge } = pkce();
    const authorize = new URL(`${server.url}/oauth2/${setup.realm.name}/authorize`);
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: setup.spa.clientId,
      redirect_uri: setup.spa.redirectUri,
      scope: 'openid offline_access',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'state-1',
    })) {
      authorize.searchParams.set(name, value);
    }
    const answer = await submitLogin(new CookieJar(), server.url, authorize.href, {
      identifier: setup.user.email,
      password: setup.user.password,
    });
    const code = new URL(answer.headers.get('location') as string).searchParams.get('code') as string;
    const exchange = await exchangeSpaCode(server, setup, code, verifier, {
      dpop: await DPoP.generateProof(keyPair, spaTokenUrl, 'POST'),
    });
    expect(exchange.status).toBe(200);
    tokens = exchange.body;
  });

  it('binds the access token, which userinfo then takes only with a proof', async () => {
    expect(tokens.token_type).toBe('DPoP');
    const userinfo = `${server.url}/oauth2/${setup.realm.name}/userinfo`;
    const proof = await DPoP.generateProof(keyPair, userinfo, 'GET', undefined, tokens.access_token);
    const answer = await server.call('GET', `/oauth2/${setup.realm.name}/userinfo`, {
      headers: { authorization: `DPoP ${tokens.access_token}`, dpop: proof },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.sub).toBe(setup.user.id);
    const asBearer = await server.call('GET', `/oauth2/${setup.realm.name}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token"/);
  });

  it('binds the refresh token: refused without a proof or with another key, and left usable', async () => {
    const without = await refresh(tokens.refresh_token);
    expect(without.status).toBe(400);
    expect(without.body).toMatchObject({ error: 'invalid_dpop_proof', error_description: /send a proof/ });
    const thief = await DPoP.generateKeyPair('ES256');
    const stolen = await refresh(tokens.refresh_token, await DPoP.generateProof(thief, spaTokenUrl, 'POST'));
    expect(stolen.status).toBe(400);
    expect(stolen.body.error_description).toMatch(/another DPoP key/);
    // Neither attempt used the token up, nor revoked its family: the holder of the key refreshes.
    const rightful = await refresh(tokens.refresh_token, await DPoP.generateProof(keyPair, spaTokenUrl, 'POST'));
    expect(rightful.status).toBe(200);
    expect(rightful.body.token_type).toBe('DPoP');
    // The successor is bound to the same key.
    const successorWithoutProof = await refresh(rightful.body.refresh_token);
    expect(successorWithoutProof.status).toBe(400);
    expect(successorWithoutProof.body.error).toBe('invalid_dpop_proof');
  });
});
