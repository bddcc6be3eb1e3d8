import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveForTests } from './support/outbound.ts';
import { startSignInServer } from './support/sign-in.ts';
import type { TestServer } from './support/test-server.ts';

/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2, OIDC Core §9): an m2m application
 * registers public keys (`jwks`) instead of holding a secret, and proves itself with a JWT signed
 * by one of them — through openid-client, a certified relying party nobody here wrote, and through
 * assertions built by hand for each way one can be wrong.
 */
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

let server: TestServer;
let admin: string;
let realm: { id: string; name: string };
let issuer: string;
let roleId: string;

interface KeyPair {
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  publicJwk: JWK;
}

async function keyPair(alg: 'ES256' | 'RS256' | 'PS256' | 'EdDSA', kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

const api = () => `/api/v1/${realm.name}`;

/** An m2m application authenticating with `private_key_jwt`, holding the test role. */
async function keyClient(keys: JWK[]): Promise<{ id: string; clientId: string; body: Record<string, unknown> }> {
  const body = await server.expectCall(201, 'POST', `${api()}/applications`, {
    token: admin,
    json: {
      name: `pkjwt-${randomUUID().slice(0, 8)}`,
      type: 'm2m',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys },
    },
  });
  await server.expectCall(204, 'POST', `${api()}/applications/${body.id}/roles`, {
    token: admin,
    json: { role_ids: [roleId] },
  });
  return { id: body.id, clientId: body.client_id, body };
}

/** A client assertion as RFC 7523 §3 wants it, with `claims` and `header` overriding. */
function assertion(
  clientId: string,
  key: KeyPair,
  claims: JWTPayload = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: clientId,
    sub: clientId,
    aud: issuer,
    jti: randomUUID(),
    iat: now,
    exp: now + 60,
    ...claims,
  })
    .setProtectedHeader({ alg: String(key.publicJwk.alg), kid: key.publicJwk.kid, ...header })
    .sign(key.privateKey);
}

function tokenRequest(clientId: string | undefined, clientAssertion: string, extra: Record<string, string> = {}) {
  return server.call('POST', `/oauth2/${realm.name}/token`, {
    form: {
      grant_type: 'client_credentials',
      ...(clientId ? { client_id: clientId } : {}),
      client_assertion_type: JWT_BEARER,
      client_assertion: clientAssertion,
      ...extra,
    },
  });
}

async function expectRefused(clientId: string, clientAssertion: string, description: RegExp) {
  const response = await tokenRequest(clientId, clientAssertion);
  expect(response.status).toBe(401);
  expect(response.body.error).toBe('invalid_client');
  expect(response.body.error_description).toMatch(description);
}

let es256: KeyPair;
let client: { id: string; clientId: string; body: Record<string, unknown> };

beforeAll(async () => {
  // Names resolve through this map, never the network: the refusals below send no packet.
  server = await startSignInServer({ outboundResolve: resolveForTests });
  admin = await server.masterToken();
  realm = await server.createRealm(admin, 'pkjwt');
  issuer = `${server.url}/oauth2/${realm.name}`;
  ({ roleId } = await server.createRealmClient(realm.name, ['users:read']));
  es256 = await keyPair('ES256', 'es-1');
  client = await keyClient([es256.publicJwk]);
});
afterAll(() => server?.close());

describe('private_key_jwt', () => {
  it('gets a token through openid-client (PrivateKeyJwt), and the client got no secret', async () => {
    expect(client.body).not.toHaveProperty('client_secret');
    expect(client.body).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: null });
    const config = await oidc.discovery(
      new URL(issuer),
      client.clientId,
      {},
      oidc.PrivateKeyJwt({ key: es256.privateKey, kid: 'es-1' }),
      { execute: [oidc.allowInsecureRequests] },
    );
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'users:read' });
    const jwks = await server.call('GET', `/oauth2/${realm.name}/jwks`);
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks.body), { issuer });
    expect(payload).toMatchObject({ client_id: client.clientId, scope: 'users:read' });
  });

  it('lists the method and its algorithms in discovery', async () => {
    const document = (await server.call('GET', `/oauth2/${realm.name}/.well-known/openid-configuration`)).body;
    expect(document.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(document.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA']);
    expect(document.introspection_endpoint_auth_methods_supported).toContain('private_key_jwt');
  });

  it('accepts RS256, PS256 and EdDSA keys, the token endpoint URL as aud, and no client_id (RFC 7523 §3.1)', async () => {
    const keys = await Promise.all([keyPair('RS256', 'rs'), keyPair('PS256', 'ps'), keyPair('EdDSA', 'ed')]);
    const multi = await keyClient(keys.map((key) => key.publicJwk));
    for (const key of keys) {
      expect((await tokenRequest(multi.clientId, await assertion(multi.clientId, key))).status).toBe(200);
    }
    const toEndpoint = await assertion(multi.clientId, keys[0] as KeyPair, { aud: `${issuer}/token` });
    expect((await tokenRequest(undefined, toEndpoint)).status).toBe(200);
  });

  it('refuses a replayed assertion: each jti once within its lifetime', async () => {
    const once = await assertion(client.clientId, es256);
    expect((await tokenRequest(client.clientId, once)).status).toBe(200);
    await expectRefused(client.clientId, once, /used already/);
  });

  it('accepts exactly one of concurrent requests with one assertion', async () => {
    const once = await assertion(client.clientId, es256);
    const statuses = await Promise.all(Array.from({ length: 5 }, () => tokenRequest(client.clientId, once)));
    expect(statuses.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401]);
  });

  it('refuses an expired assertion, one without exp or jti, and one whose exp is over 5 minutes ahead', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(
      client.clientId,
      await assertion(client.clientId, es256, { iat: now - 600, exp: now - 300 }),
      /expired/,
    );
    await expectRefused(
      client.clientId,
      await assertion(client.clientId, es256, { exp: now + 3600 }),
      /at most 300 seconds/,
    );
    await expectRefused(client.clientId, await assertion(client.clientId, es256, { jti: undefined }), /jti/);
    await expectRefused(client.clientId, await assertion(client.clientId, es256, { exp: undefined }), /exp/);
  });

  it('refuses an assertion signed by an unknown key, or by another key under a known kid', async () => {
    const stranger = await keyPair('ES256', 'unknown');
    await expectRefused(client.clientId, await assertion(client.clientId, stranger), /No key matches/);
    const impostor = { ...stranger, publicJwk: { ...stranger.publicJwk, kid: 'es-1' } };
    await expectRefused(client.clientId, await assertion(client.clientId, impostor), /signature does not verify/);
  });

  it('refuses a wrong audience, saying which one it wants', async () => {
    const other = await assertion(client.clientId, es256, { aud: 'https://elsewhere.example/oauth2/x' });
    await expectRefused(client.clientId, other, new RegExp(`aud must be ${issuer.replace(/[.]/g, '\\.')}`));
  });

  it('refuses an assertion longer than the contract allows, before decoding it', async () => {
    await expectRefused(
      client.clientId,
      `${await assertion(client.clientId, es256)}${'A'.repeat(8192)}`,
      /longer than 8192/,
    );
  });

  it('refuses iss or sub other than the client', async () => {
    await expectRefused(client.clientId, await assertion(client.clientId, es256, { sub: 'someone-else' }), /sub/);
  });

  it('refuses alg none and HS256 before looking for a key (RFC 8725 §3.1)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: client.clientId, sub: client.clientId, aud: issuer, jti: randomUUID(), exp: now + 60 };
    await expectRefused(
      client.clientId,
      new UnsecuredJWT(claims).encode(),
      /must be signed with RS256, PS256, ES256, EdDSA/,
    );
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'));
    await expectRefused(client.clientId, hs256, /must be signed with/);
  });

  it('refuses a secret for a private_key_jwt client, and an assertion for a secret client', async () => {
    const bySecret = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'anything' },
    });
    expect(bySecret.status).toBe(401);
    const secretClient = await server.createRealmClient(realm.name, ['users:read']);
    const response = await tokenRequest(secretClient.clientId, await assertion(secretClient.clientId, es256));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
  });

  it('refuses an assertion and a secret in one request', async () => {
    const response = await tokenRequest(client.clientId, await assertion(client.clientId, es256), {
      client_secret: 'x',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('authenticates at introspection too', async () => {
    const token = (await tokenRequest(client.clientId, await assertion(client.clientId, es256))).body.access_token;
    const response = await server.call('POST', `/oauth2/${realm.name}/introspect`, {
      form: {
        token,
        client_id: client.clientId,
        client_assertion_type: JWT_BEARER,
        client_assertion: await assertion(client.clientId, es256),
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ active: true, client_id: client.clientId });
  });
});

describe('keys rotate without downtime', () => {
  it('takes two keys at once, then drops the old one, and the audit log records each change', async () => {
    const old = await keyPair('ES256', 'old');
    const next = await keyPair('ES256', 'next');
    const rotating = await keyClient([old.publicJwk]);
    await server.expectCall(200, 'PATCH', `${api()}/applications/${rotating.id}`, {
      token: admin,
      json: { jwks: { keys: [old.publicJwk, next.publicJwk] } },
    });
    for (const key of [old, next]) {
      expect((await tokenRequest(rotating.clientId, await assertion(rotating.clientId, key))).status).toBe(200);
    }
    await server.expectCall(200, 'PATCH', `${api()}/applications/${rotating.id}`, {
      token: admin,
      json: { jwks: { keys: [next.publicJwk] } },
    });
    await expectRefused(rotating.clientId, await assertion(rotating.clientId, old), /No key matches/);
    expect((await tokenRequest(rotating.clientId, await assertion(rotating.clientId, next))).status).toBe(200);

    const entries = await server.expectCall(200, 'GET', `${api()}/audit-logs?target_id=${rotating.id}`, {
      token: admin,
    });
    const keyChanges = entries.filter(
      (entry: { action: string; details: { fields?: string[] } }) =>
        entry.action === 'application.updated' && entry.details.fields?.includes('jwks'),
    );
    expect(keyChanges).toHaveLength(2);
  });
});

describe('registering keys', () => {
  const create = (json: Record<string, unknown>) =>
    server.call('POST', `${api()}/applications`, { token: admin, json: { name: 'keys', ...json } });

  it('refuses a private key, a short RSA key, duplicate kids, keys on a public client, and jwks with jwks_uri', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = { ...(await exportJWK(privateKey)), kid: 'p' };
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'm2m', jwks: { keys: [privateJwk] } }, 'jwks.keys.0'],
      [{ type: 'm2m', jwks: { keys: [es256.publicJwk, es256.publicJwk] } }, 'jwks.keys.1.kid'],
      [{ type: 'spa', redirect_uris: ['https://a.example/cb'], jwks: { keys: [es256.publicJwk] } }, 'jwks'],
      [{ type: 'm2m', jwks: { keys: [es256.publicJwk] }, jwks_uri: 'https://a.example/jwks' }, 'jwks_uri'],
      [{ type: 'm2m', jwks_uri: 'http://keys.example/jwks' }, 'jwks_uri'],
      [{ type: 'm2m', jwks_uri: 'javascript:alert(1)' }, 'jwks_uri'],
      [{ type: 'm2m', jwks_uri: 'https://user:pass@keys.example/jwks' }, 'jwks_uri'],
    ];
    // jose refuses to make a short RSA key; node:crypto still does.
    const { publicKey: weak } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    cases.push([{ type: 'm2m', jwks: { keys: [{ ...weak.export({ format: 'jwk' }), kid: 'weak' }] } }, 'jwks.keys.0']);
    for (const [json, path] of cases) {
      const response = await create(json);
      expect(response.status, JSON.stringify(json)).toBe(422);
      expect(response.body.details.map((detail: { path: string }) => detail.path)).toContain(path);
    }
  });

  it('switches between jwks and jwks_uri: setting one clears the other', async () => {
    const app = await keyClient([es256.publicJwk]);
    const switched = await server.expectCall(200, 'PATCH', `${api()}/applications/${app.id}`, {
      token: admin,
      json: { jwks_uri: 'https://keys.example.com/jwks.json' },
    });
    expect(switched).toMatchObject({ jwks: null, jwks_uri: 'https://keys.example.com/jwks.json' });
  });
});

describe('a jwks_uri never reaches a loopback or private address (REALMKIT_OUTBOUND_ALLOW_LOOPBACK off)', () => {
  it('refuses loopback and private address literals when registered', async () => {
    for (const uri of [
      'http://127.0.0.1:9/jwks',
      'https://127.0.0.1:9/jwks',
      'https://[::1]/jwks',
      'https://10.0.0.7/jwks',
      'https://169.254.169.254/latest',
    ]) {
      const response = await server.call('POST', `${api()}/applications`, {
        token: admin,
        json: { name: 'ssrf', type: 'm2m', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: uri },
      });
      expect(response.status, uri).toBe(422);
    }
  });

  it('refuses, at the token endpoint, a name that resolves to a loopback or a private address', async () => {
    for (const host of ['loopback.internal.test', 'keys.internal.test', 'metadata.internal.test']) {
      const app = await server.expectCall(201, 'POST', `${api()}/applications`, {
        token: admin,
        json: {
          name: `ssrf-${host}`,
          type: 'm2m',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks_uri: `https://${host}/jwks`,
        },
      });
      await expectRefused(
        app.client_id,
        await assertion(app.client_id, es256),
        /could not be read: .*(loopback|private)/,
      );
    }
  });
});
