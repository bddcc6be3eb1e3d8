import { TOKEN_EXCHANGE_GRANT_TYPE } from '@realmkit/contract';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BOOTSTRAP_CLIENT, TEST_ISSUER_URL } from './support/constants.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

let server: TestServer;
let realm: { id: string; name: string };
let client: { clientId: string; clientSecret: string };

beforeAll(async () => {
  server = await startTestServer();
  realm = await server.createRealm(await server.masterToken(), 'oauth');
  client = await server.createRealmClient(realm.id, ['users:read', 'users:write']);
});
afterAll(() => server?.close());

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('POST /oauth2/{realm}/token', () => {
  it('issues an RS256 at+jwt that verifies against the realm JWKS, with every RFC 9068 claim', async () => {
    const response = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: basic(client.clientId, client.clientSecret) },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'users:read users:write' });

    const jwks = await server.call('GET', `/oauth2/${realm.name}/jwks`);
    expect(jwks.status).toBe(200);
    const { payload, protectedHeader } = await jwtVerify(response.body.access_token, createLocalJWKSet(jwks.body), {
      algorithms: ['RS256'],
      issuer: `${TEST_ISSUER_URL}/oauth2/${realm.name}`,
      audience: `${TEST_ISSUER_URL}/api/v1/${realm.name}`,
      typ: 'at+jwt',
    });
    expect(protectedHeader.kid).toBe(jwks.body.keys[0].kid);
    expect(payload).toMatchObject({
      sub: client.clientId,
      client_id: client.clientId,
      scope: 'users:read users:write',
    });
    expect(typeof payload.jti).toBe('string');
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);
  });

  it('accepts client_secret_post and the realm UUID in the path', async () => {
    const response = await server.call('POST', `/oauth2/${realm.id}/token`, {
      form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret },
    });
    expect(response.status).toBe(200);
    expect(decodeProtectedHeader(response.body.access_token).typ).toBe('at+jwt');
  });

  it('grants requested ∩ held scopes, and refuses a request for none it can grant', async () => {
    const narrowed = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials', scope: 'users:read roles:write', ...post(client) },
    });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('users:read');

    const refused = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials', scope: 'roles:write realms:read', ...post(client) },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_scope', message: expect.any(String) });
  });

  it('answers invalid_client 401 with WWW-Authenticate: Basic for a wrong secret or unknown client', async () => {
    const forms: Record<string, string>[] = [
      { client_id: client.clientId, client_secret: 'wrong' },
      { client_id: 'nobody', client_secret: client.clientSecret },
      {},
    ];
    for (const form of forms) {
      const response = await server.call('POST', `/oauth2/${realm.name}/token`, {
        form: { grant_type: 'client_credentials', ...form },
      });
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_client');
      expect(response.body.error_description).toEqual(expect.any(String));
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    }
  });

  it("does not let one realm's client get tokens from another realm", async () => {
    const response = await server.call('POST', '/oauth2/master/token', {
      form: { grant_type: 'client_credentials', ...post(client) },
    });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
  });

  it('answers RFC 6749 errors for malformed requests', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{ ...post(client) }, 400, 'invalid_request'],
      [{ grant_type: 'password', ...post(client) }, 400, 'unsupported_grant_type'],
      [
        { grant_type: 'client_credentials', resource: 'https://unknown.example', ...post(client) },
        400,
        'invalid_target',
      ],
      [{ grant_type: 'client_credentials', scope: 'users:read "x', ...post(client) }, 400, 'invalid_scope'],
    ];
    for (const [form, status, error] of cases) {
      const response = await server.call('POST', `/oauth2/${realm.name}/token`, { form });
      expect({ status: response.status, error: response.body.error }).toEqual({ status, error });
    }

    const repeated = await server.call('POST', `/oauth2/${realm.name}/token`, {
      rawBody: `grant_type=client_credentials&scope=a&scope=b&client_id=${client.clientId}&client_secret=${client.clientSecret}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toBe('invalid_request');

    // A Basic header whose secret is not UTF-8 is malformed, not a secret with U+FFFD in it (RFC 7617 §2.1).
    const notUtf8 = Buffer.concat([Buffer.from(`${client.clientId}:${client.clientSecret}`), Buffer.from([0xff])]);
    const malformedBasic = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: `Basic ${notUtf8.toString('base64')}` },
    });
    expect(malformedBasic.status).toBe(401);
    expect(malformedBasic.body).toMatchObject({
      error: 'invalid_client',
      error_description: 'Malformed Basic authorization header',
    });

    const json = await server.call('POST', `/oauth2/${realm.name}/token`, {
      json: { grant_type: 'client_credentials', ...post(client) },
    });
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('invalid_request');

    const both = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials', ...post(client) },
      headers: { authorization: basic(client.clientId, client.clientSecret) },
    });
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');
  });

  it('reads the form as UTF-8 and refuses, as invalid_request, a body it cannot read', async () => {
    const form = (extra = '') =>
      `grant_type=client_credentials&client_id=${encodeURIComponent(client.clientId)}` +
      `&client_secret=${encodeURIComponent(client.clientSecret)}${extra}`;
    const send = (rawBody: string | Uint8Array, headers: Record<string, string> = {}) =>
      server.call('POST', `/oauth2/${realm.name}/token`, {
        rawBody,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      });
    // Accepted: parameters in any case of the media type, an explicit UTF-8 charset, `+` as space.
    const utf8 = await send(form('&scope=users:read+users:write'), {
      'content-type': 'Application/X-WWW-Form-Urlencoded; charset=UTF-8',
    });
    expect(utf8.status).toBe(200);
    expect(utf8.body.scope).toBe('users:read users:write');
    // A parameter named like Object.prototype's members is just a parameter.
    expect((await send(form('&__proto__=x&constructor=y'))).status).toBe(200);

    // A stray `%` is not an escape: kept as it is, as URLSearchParams keeps it, not refused.
    expect((await send(form('&note=100%&other=%zz%'))).status).toBe(200);

    const refused: [string | Uint8Array, Record<string, string>, RegExp][] = [
      // Malformed UTF-8, raw or escaped, was read as U+FFFD (URLSearchParams and Buffer decode leniently).
      [Buffer.concat([Buffer.from(form('&state=')), Buffer.from([0xc3, 0x28])]), {}, /not UTF-8/],
      [Buffer.concat([Buffer.from(form('&state=')), Buffer.from([0xff, 0xfe])]), {}, /not UTF-8/],
      [form('&state=%C0%AF'), {}, /escape that is not UTF-8/],
      [form('&state=%ED%A0%80'), {}, /escape that is not UTF-8/],
      [form('&st%FFate=x'), {}, /escape that is not UTF-8/],
      [form(), { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' }, /charset/],
      [form(), { 'content-encoding': 'gzip' }, /Content-Encoding/],
      [form(`&pad=${'a'.repeat(101 * 1024)}`), {}, /100 kB/],
      [form(Array.from({ length: 50 }, (_, i) => `&p${i}=1`).join('')), {}, /parameters/],
    ];
    for (const [rawBody, headers, why] of refused) {
      const response = await send(rawBody, headers);
      expect({ status: response.status, error: response.body.error }).toEqual({
        status: 400,
        error: 'invalid_request',
      });
      expect(response.body.error_description).toMatch(why);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('answers 404 for an unknown realm', async () => {
    const response = await server.call('POST', '/oauth2/no-such-realm/token', {
      form: { grant_type: 'client_credentials', ...post(TEST_BOOTSTRAP_CLIENT) },
    });
    expect(response.status).toBe(404);
    expect(response.body.error).toBe('not_found');
  });
});

describe('discovery', () => {
  it('serves RFC 8414 metadata at every documented location', async () => {
    for (const path of [
      `/oauth2/${realm.name}/.well-known/openid-configuration`,
      `/oauth2/${realm.name}/.well-known/oauth-authorization-server`,
      `/.well-known/oauth-authorization-server/oauth2/${realm.name}`,
    ]) {
      const response = await server.call('GET', path);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        issuer: `${TEST_ISSUER_URL}/oauth2/${realm.name}`,
        token_endpoint: `${TEST_ISSUER_URL}/oauth2/${realm.name}/token`,
        jwks_uri: `${TEST_ISSUER_URL}/oauth2/${realm.name}/jwks`,
        authorization_endpoint: `${TEST_ISSUER_URL}/oauth2/${realm.name}/authorize`,
        userinfo_endpoint: `${TEST_ISSUER_URL}/oauth2/${realm.name}/userinfo`,
        end_session_endpoint: `${TEST_ISSUER_URL}/oauth2/${realm.name}/logout`,
        revocation_endpoint: `${TEST_ISSUER_URL}/oauth2/${realm.name}/revoke`,
        grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token', TOKEN_EXCHANGE_GRANT_TYPE],
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
        token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      });
      expect(response.body.scopes_supported).toContain('users:read');
      expect(response.body.scopes_supported).not.toContain('realms:read');
    }
  });

  it('publishes only public key material in the JWKS', async () => {
    const response = await server.call('GET', `/oauth2/${realm.name}/jwks`);
    expect(response.body.keys).toHaveLength(1);
    const [key] = response.body.keys;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    for (const privateField of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(privateField);
  });

  it('answers 404 for an unknown realm', async () => {
    expect((await server.call('GET', '/oauth2/no-such-realm/jwks')).status).toBe(404);
  });
});

function post(credentials: { clientId: string; clientSecret: string }) {
  return { client_id: credentials.clientId, client_secret: credentials.clientSecret };
}
