import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ISSUER_URL } from './support/constants.ts';
import { type ClientCredentials, startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

/** Tokens granted by roles: what a realm's own m2m application may get, for which API. */
let server: TestServer;
let admin: string;
let realm: TestRealm;
let otherRealm: TestRealm;
let postsApi: { id: string; indicator: string; scopes: Record<string, string> };

const INDICATOR = 'https://api.myapp.com';

beforeAll(async () => {
  ({ server, admin, realm, otherRealm } = await startWithRealms('grants'));
  const api = `/api/v1/${realm.name}`;
  const resource = await server.expectCall(201, 'POST', `${api}/resources`, {
    token: admin,
    json: { name: 'Posts API', indicator: INDICATOR, access_token_ttl: 900 },
  });
  const scopes: Record<string, string> = {};
  for (const name of ['read:posts', 'write:posts']) {
    scopes[name] = (
      await server.expectCall(201, 'POST', `${api}/resources/${resource.id}/scopes`, { token: admin, json: { name } })
    ).id;
  }
  postsApi = { id: resource.id, indicator: INDICATOR, scopes };
});
afterAll(() => server?.close());

function tokenRequest(client: ClientCredentials, params: Record<string, string> = {}, realmName = realm.name) {
  return server.call('POST', `/oauth2/${realmName}/token`, {
    form: {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      ...params,
    },
  });
}

async function verify(token: string, audience: string) {
  const jwks = await server.call('GET', `/oauth2/${realm.name}/jwks`);
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.body), {
    algorithms: ['RS256'],
    issuer: `${TEST_ISSUER_URL}/oauth2/${realm.name}`,
    audience,
    typ: 'at+jwt',
  });
  return payload;
}

describe('tokens for a realm’s own API resource', () => {
  it('grants the role’s scopes of the resource, with the resource as audience and its token lifetime', async () => {
    const client = await server.createRealmClient(realm.name, ['read:posts'], postsApi.id);
    const response = await tokenRequest(client, { resource: INDICATOR });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'read:posts' });

    const payload = await verify(response.body.access_token, INDICATOR);
    expect(payload).toMatchObject({ aud: INDICATOR, scope: 'read:posts', client_id: client.clientId });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);

    // Not a Management API token: the management audience check refuses it.
    const management = await server.call('GET', `/api/v1/${realm.name}/users`, { token: response.body.access_token });
    expect(management.status).toBe(401);
    expect(management.body.error).toBe('invalid_token');
  });

  it('grants requested ∩ held; asking only for scopes it cannot have is invalid_scope', async () => {
    const client = await server.createRealmClient(realm.name, ['read:posts'], postsApi.id);
    const both = await tokenRequest(client, { resource: INDICATOR, scope: 'read:posts write:posts' });
    expect(both.status).toBe(200);
    expect(both.body.scope).toBe('read:posts');
    expect((await verify(both.body.access_token, INDICATOR)).scope).toBe('read:posts');

    for (const scope of ['write:posts', 'users:read', 'unheard-of']) {
      const refused = await tokenRequest(client, { resource: INDICATOR, scope });
      expect({ scope, status: refused.status, error: refused.body.error }).toEqual({
        scope,
        status: 400,
        error: 'invalid_scope',
      });
    }
  });

  it('scopes of another resource are never granted for this one, and the default resource is the Management API', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const posts = await tokenRequest(client, { resource: INDICATOR });
    expect(posts.status).toBe(200);
    expect(posts.body.scope).toBe('');

    const management = await tokenRequest(client);
    expect(management.body.scope).toBe('users:read');
    expect((await verify(management.body.access_token, `${TEST_ISSUER_URL}/api/v1/${realm.name}`)).scope).toBe(
      'users:read',
    );
  });

  it('an unknown indicator, or one of another realm, is invalid_target', async () => {
    const client = await server.createRealmClient(realm.name, ['read:posts'], postsApi.id);
    for (const resource of ['https://unknown.example', `${TEST_ISSUER_URL}/api/v1/${otherRealm.name}`]) {
      const response = await tokenRequest(client, { resource });
      expect({ resource, status: response.status, error: response.body.error }).toEqual({
        resource,
        status: 400,
        error: 'invalid_target',
      });
    }
  });

  it('role changes apply to the next token: a scope added, a role removed, a resource TTL changed', async () => {
    const client = await server.createRealmClient(realm.name, ['read:posts'], postsApi.id);
    const api = `/api/v1/${realm.name}`;
    await server.expectCall(204, 'POST', `${api}/roles/${client.roleId}/scopes`, {
      token: admin,
      json: { scope_ids: [postsApi.scopes['write:posts']] },
    });
    expect((await tokenRequest(client, { resource: INDICATOR })).body.scope).toBe('read:posts write:posts');

    await server.expectCall(204, 'DELETE', `${api}/applications/${client.applicationId}/roles/${client.roleId}`, {
      token: admin,
    });
    expect((await tokenRequest(client, { resource: INDICATOR })).body.scope).toBe('');
    expect((await tokenRequest(client, { resource: INDICATOR, scope: 'read:posts' })).body.error).toBe('invalid_scope');
  });

  it('a new access_token_ttl applies to the next token', async () => {
    const api = `/api/v1/${realm.name}`;
    const resource = await server.expectCall(201, 'POST', `${api}/resources`, {
      token: admin,
      json: { name: 'TTL API', indicator: 'urn:realmkit:test:ttl' },
    });
    const client = await server.createRealmClient(realm.name, [], resource.id);
    expect((await tokenRequest(client, { resource: resource.indicator })).body.expires_in).toBe(3600);
    await server.expectCall(200, 'PATCH', `${api}/resources/${resource.id}`, {
      token: admin,
      json: { access_token_ttl: 120 },
    });
    const response = await tokenRequest(client, { resource: resource.indicator });
    expect(response.body.expires_in).toBe(120);
    const payload = await verify(response.body.access_token, resource.indicator);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);
  });
});

describe('Management API tokens granted by roles', () => {
  it('a narrowed token gets 403 on a route needing another scope', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read', 'users:write', 'roles:read']);
    const narrowed = await tokenRequest(client, { scope: 'users:read' });
    expect(narrowed.body.scope).toBe('users:read');
    const token = narrowed.body.access_token;
    expect((await server.call('GET', `/api/v1/${realm.name}/users`, { token })).status).toBe(200);
    for (const [method, path, json] of [
      ['POST', '/users', { email: 'narrow@example.com' }],
      ['GET', '/roles', undefined],
      ['GET', '/applications', undefined],
    ] as const) {
      const response = await server.call(method, `/api/v1/${realm.name}${path}`, { token, json });
      expect({ path, status: response.status, error: response.body.error }).toEqual({
        path,
        status: 403,
        error: 'insufficient_scope',
      });
    }
  });

  it('a realm’s token can never touch another realm or the realms API, whatever it holds', async () => {
    const client = await server.createRealmClient(realm.name, [
      'users:read',
      'applications:read',
      'roles:read',
      'resources:read',
    ]);
    const token = (await tokenRequest(client)).body.access_token;
    for (const path of ['users', 'applications', 'roles', 'resources']) {
      expect((await server.call('GET', `/api/v1/${realm.name}/${path}`, { token })).status).toBe(200);
      const other = await server.call('GET', `/api/v1/${otherRealm.id}/${path}`, { token });
      expect({ path, status: other.status }).toEqual({ path, status: 401 });
    }
    const realms = await server.call('GET', '/api/v1/realms', { token });
    expect(realms.status).toBe(403);
    expect(realms.body.error).toBe('insufficient_scope');
    // It cannot even ask for the realms scopes: its Management API does not have them.
    expect((await tokenRequest(client, { scope: 'realms:read' })).body.error).toBe('invalid_scope');
  });

  it('deleting an application stops its token requests and the tokens it already holds at once', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const token = (await tokenRequest(client)).body.access_token;
    expect((await server.call('GET', `/api/v1/${realm.name}/users`, { token })).status).toBe(200);
    await server.expectCall(204, 'DELETE', `/api/v1/${realm.name}/applications/${client.applicationId}`, {
      token: admin,
    });
    const refused = await tokenRequest(client);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    expect((await server.call('GET', `/api/v1/${realm.name}/users`, { token })).status).toBe(401);
  });
});
