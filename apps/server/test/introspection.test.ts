import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ISSUER_URL } from './support/constants.ts';
import { TestClock } from './support/test-clock.ts';
import { type ClientCredentials, startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;
let otherRealm: TestRealm;
/** The resource server's credentials: a confidential `traditional` application of the realm. */
let caller: ClientCredentials;
/** An m2m client whose tokens get introspected. */
let client: ClientCredentials & { applicationId: string };
const clock = new TestClock();

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

beforeAll(async () => {
  ({ server, admin, realm, otherRealm } = await startWithRealms('introspect', { start: { clock: clock.now } }));
  const app = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/applications`, {
    token: admin,
    json: { name: 'Resource server', type: 'traditional', redirect_uris: ['https://rs.example/cb'] },
  });
  caller = { clientId: app.client_id, clientSecret: app.client_secret };
  client = await server.createRealmClient(realm.name, ['users:read', 'roles:read']);
});
afterAll(() => server?.close());

function introspect(form: Record<string, string>, options: { as?: ClientCredentials | null; realm?: string } = {}) {
  const as = options.as === undefined ? caller : options.as;
  return server.call('POST', `/oauth2/${options.realm ?? realm.name}/introspect`, {
    form,
    ...(as ? { headers: { authorization: basic(as.clientId, as.clientSecret) } } : {}),
  });
}

async function expectInactive(token: string, message: string) {
  const response = await introspect({ token });
  expect(response.status, message).toBe(200);
  expect(response.body, message).toEqual({ active: false });
}

describe('POST /oauth2/{realm}/introspect (RFC 7662)', () => {
  it('answers an active token with its claims, to a client_secret_basic or client_secret_post caller', async () => {
    const token = await server.token(realm.name, client);
    const claims = decodeJwt(token);
    expect(String(claims.scope).split(' ').sort()).toEqual(['roles:read', 'users:read']);
    const expected = {
      active: true,
      scope: claims.scope,
      client_id: client.clientId,
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      sub: client.clientId,
      aud: `${TEST_ISSUER_URL}/api/v1/${realm.name}`,
      iss: `${TEST_ISSUER_URL}/oauth2/${realm.name}`,
      jti: claims.jti,
    };
    const viaBasic = await introspect({ token, token_type_hint: 'access_token' });
    expect(viaBasic.status).toBe(200);
    expect(viaBasic.headers.get('cache-control')).toBe('no-store');
    expect(viaBasic.body).toEqual(expected);

    const viaPost = await introspect(
      { token, client_id: caller.clientId, client_secret: caller.clientSecret, token_type_hint: 'refresh_token' },
      { as: null },
    );
    expect(viaPost.body).toEqual(expected);
    // The realm's UUID addresses it too; an m2m client may introspect (its own token here).
    expect((await introspect({ token }, { realm: realm.id, as: client })).body).toEqual(expected);
  });

  it("answers a token for one of the realm's own API resources, with that audience and scope", async () => {
    const indicator = `https://api-${randomBytes(4).toString('hex')}.example`;
    const resource = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/resources`, {
      token: admin,
      json: { name: 'Posts', indicator, access_token_ttl: 120 },
    });
    await server.expectCall(201, 'POST', `/api/v1/${realm.name}/resources/${resource.id}/scopes`, {
      token: admin,
      json: { name: 'read:posts' },
    });
    const reader = await server.createRealmClient(realm.name, ['read:posts'], resource.id);
    const issued = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials', resource: indicator },
      headers: { authorization: basic(reader.clientId, reader.clientSecret) },
    });
    const token = issued.body.access_token;
    const response = await introspect({ token });
    expect(response.body).toMatchObject({ active: true, aud: indicator, scope: 'read:posts' });
    expect(response.body.exp - response.body.iat).toBe(120);

    // The resource deleted: its tokens are no longer active anywhere.
    await server.expectCall(204, 'DELETE', `/api/v1/${realm.name}/resources/${resource.id}`, { token: admin });
    await expectInactive(token, 'token of a deleted resource');
  });

  it('is advertised in the discovery documents', async () => {
    for (const path of [
      `/oauth2/${realm.name}/.well-known/openid-configuration`,
      `/.well-known/oauth-authorization-server/oauth2/${realm.name}`,
    ]) {
      const response = await server.call('GET', path);
      expect(response.body).toMatchObject({
        introspection_endpoint: `${TEST_ISSUER_URL}/oauth2/${realm.name}/introspect`,
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      });
    }
  });

  it('answers only { active: false } for garbage, expired, foreign and orphaned tokens', async () => {
    await expectInactive('not-a-jwt', 'garbage');
    await expectInactive('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'alg none');

    const otherClient = await server.createRealmClient(otherRealm.name, ['users:read']);
    await expectInactive(await server.token(otherRealm.name, otherClient), "another realm's token");
    await expectInactive(await server.masterToken(), 'a master-realm token');

    const doomed = await server.createRealmClient(realm.name, ['users:read']);
    const orphan = await server.token(realm.name, doomed);
    expect((await introspect({ token: orphan })).body.active).toBe(true);
    await server.expectCall(204, 'DELETE', `/api/v1/${realm.name}/applications/${doomed.applicationId}`, {
      token: admin,
    });
    await expectInactive(orphan, 'token of a deleted application');

    const expiring = await server.token(realm.name, client);
    clock.advance(3600_000 + 10_000);
    await expectInactive(expiring, 'expired token');
    admin = await server.masterToken();
  });

  it('authenticates the caller as a confidential client of this realm (401 invalid_client otherwise)', async () => {
    const token = await server.token(realm.name, client);
    const spa = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/applications`, {
      token: admin,
      json: { name: 'Public SPA', type: 'spa', redirect_uris: ['https://spa.example/cb'] },
    });
    const otherApp = await server.expectCall(201, 'POST', `/api/v1/${otherRealm.name}/applications`, {
      token: admin,
      json: { name: 'Foreign', type: 'm2m' },
    });
    const attempts: [string, ClientCredentials | null, Record<string, string>][] = [
      ['wrong secret', { clientId: caller.clientId, clientSecret: 'wrong' }, {}],
      ['unknown client', { clientId: 'nobody', clientSecret: caller.clientSecret }, {}],
      ['public client without secret', null, { client_id: spa.client_id }],
      ['public client with a made-up secret', { clientId: spa.client_id, clientSecret: 'anything' }, {}],
      ["another realm's client", { clientId: otherApp.client_id, clientSecret: otherApp.client_secret }, {}],
      ['no authentication', null, {}],
    ];
    for (const [what, as, extra] of attempts) {
      const response = await introspect({ token, ...extra }, { as });
      expect(response.status, what).toBe(401);
      expect(response.body, what).toMatchObject({ error: 'invalid_client', error_description: expect.any(String) });
      expect(response.headers.get('www-authenticate'), what).toMatch(/^Basic /);
    }
  });

  it('answers RFC 6749 invalid_request for a malformed request, and 404 for an unknown realm', async () => {
    const token = await server.token(realm.name, client);
    const missing = await introspect({});
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('token'),
    });

    const repeated = await server.call('POST', `/oauth2/${realm.name}/introspect`, {
      rawBody: `token=${token}&token=${token}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(caller.clientId, caller.clientSecret),
      },
    });
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toBe('invalid_request');

    const json = await server.call('POST', `/oauth2/${realm.name}/introspect`, {
      json: { token },
      headers: { authorization: basic(caller.clientId, caller.clientSecret) },
    });
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('invalid_request');

    const both = await introspect({ token, client_secret: caller.clientSecret });
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');

    const unknown = await introspect({ token }, { realm: 'no-such-realm' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('not_found');
  });

  it('accepts the previous secret of the caller during its grace period', async () => {
    const app = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/applications`, {
      token: admin,
      json: { name: 'Rolling resource server', type: 'traditional', redirect_uris: [] },
    });
    const rotated = await server.expectCall(200, 'POST', `/api/v1/${realm.name}/applications/${app.id}/secret`, {
      token: admin,
      json: { grace_period_seconds: 300 },
    });
    const token = await server.token(realm.name, client);
    for (const secret of [app.client_secret, rotated.client_secret]) {
      const response = await introspect({ token }, { as: { clientId: app.client_id, clientSecret: secret } });
      expect(response.body.active).toBe(true);
    }
    clock.advance(301_000);
    const late = await introspect({ token }, { as: { clientId: app.client_id, clientSecret: app.client_secret } });
    expect(late.status).toBe(401);
  });
});
