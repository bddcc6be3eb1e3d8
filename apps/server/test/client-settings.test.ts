import { CLIENT_RULES, GRANT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS, TOKEN_EXCHANGE_GRANT_TYPE } from '@realmkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

/**
 * Each application's `grant_types` and `token_endpoint_auth_method` (RFC 7591), and the token and
 * introspection endpoints' registries of grants and client authentication methods that read them.
 */
let server: TestServer;
let admin: string;
let realm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm } = await startWithRealms('client-settings'));
});
afterAll(() => server?.close());

const apps = () => `/api/v1/${realm.name}/applications`;
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function token(form: Record<string, string>, headers: Record<string, string> = {}) {
  return server.call('POST', `/oauth2/${realm.name}/token`, {
    form: { grant_type: 'client_credentials', ...form },
    headers,
  });
}

describe('application client settings', () => {
  it("defaults to the type's grants and authentication method, and shows both", async () => {
    for (const type of ['spa', 'native', 'traditional', 'm2m'] as const) {
      const created = await server.expectCall(201, 'POST', apps(), { token: admin, json: { name: type, type } });
      expect(created, type).toMatchObject(CLIENT_RULES[type].defaults);
      const fetched = await server.expectCall(200, 'GET', `${apps()}/${created.id}`, { token: admin });
      expect(fetched, type).toMatchObject(CLIENT_RULES[type].defaults);
    }
    const m2m = await server.expectCall(201, 'POST', apps(), { token: admin, json: { name: 'm', type: 'm2m' } });
    expect(m2m).toMatchObject({
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
  });

  it('refuses with 422 what the type may not have, naming the field, and changes nothing', async () => {
    const refused: [string, Record<string, unknown>, string][] = [
      ['spa', { grant_types: ['client_credentials'] }, 'grant_types.0'],
      ['native', { token_endpoint_auth_method: 'client_secret_basic' }, 'token_endpoint_auth_method'],
      ['traditional', { grant_types: ['client_credentials'] }, 'grant_types.0'],
      ['traditional', { token_endpoint_auth_method: 'none' }, 'token_endpoint_auth_method'],
      ['m2m', { token_endpoint_auth_method: 'none' }, 'token_endpoint_auth_method'],
      // Token exchange is for confidential clients only (RFC 8693 §2.1 via RFC 6749 §3.2.1).
      ['spa', { grant_types: ['authorization_code', TOKEN_EXCHANGE_GRANT_TYPE] }, 'grant_types.1'],
      ['native', { grant_types: [TOKEN_EXCHANGE_GRANT_TYPE] }, 'grant_types.0'],
    ];
    for (const [type, settings, path] of refused) {
      const response = await server.call('POST', apps(), { token: admin, json: { name: 'x', type, ...settings } });
      expect(response.status, `${type} ${JSON.stringify(settings)}`).toBe(422);
      expect(response.body.details).toEqual([{ path, message: expect.any(String) }]);
    }
    const unknown = await server.call('POST', apps(), {
      token: admin,
      json: { name: 'x', type: 'm2m', grant_types: ['password'] },
    });
    expect(unknown.status).toBe(400);

    const spa = await server.expectCall(201, 'POST', apps(), { token: admin, json: { name: 's', type: 'spa' } });
    const patch = await server.call('PATCH', `${apps()}/${spa.id}`, {
      token: admin,
      json: { name: 'renamed', grant_types: ['client_credentials'] },
    });
    expect(patch.status).toBe(422);
    expect(await server.expectCall(200, 'GET', `${apps()}/${spa.id}`, { token: admin })).toMatchObject({
      name: 's',
      grant_types: ['authorization_code', 'refresh_token'],
    });
  });

  it('an m2m application without client_credentials in its grant_types gets unauthorized_client, and gets tokens again once it is back', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const path = `${apps()}/${client.applicationId}`;
    const form = { client_id: client.clientId, client_secret: client.clientSecret };
    expect((await token(form)).status).toBe(200);

    await server.expectCall(200, 'PATCH', path, { token: admin, json: { grant_types: [] } });
    const refused = await token(form);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'unauthorized_client', error_description: expect.any(String) });

    await server.expectCall(200, 'PATCH', path, { token: admin, json: { grant_types: ['client_credentials'] } });
    expect((await token(form)).status).toBe(200);
  });

  it('a client registered with either secret method may send its secret either way (decision 0018)', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const path = `${apps()}/${client.applicationId}`;
    for (const method of ['client_secret_basic', 'client_secret_post']) {
      await server.expectCall(200, 'PATCH', path, { token: admin, json: { token_endpoint_auth_method: method } });
      const inForm = await token({ client_id: client.clientId, client_secret: client.clientSecret });
      const inHeader = await token({}, { authorization: basic(client.clientId, client.clientSecret) });
      expect([inForm.status, inHeader.status], method).toEqual([200, 200]);
    }
  });

  it('a public client names itself with client_id alone: it may use no grant it lacks, and may not introspect', async () => {
    const spa = await server.expectCall(201, 'POST', apps(), { token: admin, json: { name: 'web', type: 'spa' } });
    const refused = await token({ client_id: spa.client_id });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('unauthorized_client');

    const introspection = await server.call('POST', `/oauth2/${realm.name}/introspect`, {
      form: { token: 'x', client_id: spa.client_id },
    });
    expect(introspection.status).toBe(401);
    expect(introspection.body.error).toBe('invalid_client');
  });

  it('a confidential client cannot pass for a public one by leaving its secret out', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const response = await token({ client_id: client.clientId });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('a grant_type named like an object member is unsupported, not a crash', async () => {
    for (const grantType of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const response = await token({ grant_type: grantType });
      expect({ grantType, status: response.status, error: response.body.error }).toEqual({
        grantType,
        status: 400,
        error: 'unsupported_grant_type',
      });
    }
  });
});

describe('discovery from the registries', () => {
  it('lists every grant type and client authentication method the token endpoint serves', async () => {
    const metadata = await server.call('GET', `/oauth2/${realm.name}/.well-known/openid-configuration`);
    expect(metadata.status).toBe(200);
    expect(metadata.body.grant_types_supported).toEqual([...GRANT_TYPES]);
    expect([...metadata.body.token_endpoint_auth_methods_supported].sort()).toEqual(
      [...TOKEN_ENDPOINT_AUTH_METHODS].sort(),
    );
    expect(metadata.body.introspection_endpoint_auth_methods_supported).not.toContain('none');
  });
});
