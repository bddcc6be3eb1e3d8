import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceEntity } from '../src/resources/resource.entity.ts';
import { TEST_ISSUER_URL } from './support/constants.ts';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

/**
 * Issue 23 item 7: what a resource indicator may be. Under the server's public URL lie the
 * audiences of every realm's Management API; a realm that could name one as its own resource would
 * mint tokens for it.
 */
let server: TestServer;
let admin: string;
let realm: TestRealm;
let otherRealm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm, otherRealm } = await startWithRealms('indicators'));
});
afterAll(() => server?.close());

const resources = (ref: string) => `/api/v1/${ref}/resources`;
const MASTER_AUDIENCE = `${TEST_ISSUER_URL}/api/v1/master`;

function tokenRequest(realmName: string, client: { clientId: string; clientSecret: string }, resource: string) {
  return server.call('POST', `/oauth2/${realmName}/token`, {
    form: {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      resource,
    },
  });
}

/** A resource row written as the server wrote it before the rule: no check on its indicator. */
async function legacyResource(realmId: string, indicator: string): Promise<string> {
  const em = server.services.orm.em.fork();
  const id = randomUUID();
  em.create(ResourceEntity, { id, realmId, name: `Legacy ${id.slice(0, 8)}`, indicator, isManagement: false });
  await em.flush();
  return id;
}

describe('resource indicators: refused', () => {
  it('each bad indicator answers 422 with a detail on indicator, and nothing is created', async () => {
    const cases: [string, RegExp][] = [
      // Reserved: the server's public URL and everything under it, however it is spelled.
      [MASTER_AUDIENCE, /reserved/],
      [`${TEST_ISSUER_URL}/api/v1/${otherRealm.name}`, /reserved/],
      [`${TEST_ISSUER_URL}/api/v1/${realm.name}/users`, /reserved/],
      [TEST_ISSUER_URL, /reserved/],
      [`${TEST_ISSUER_URL.toUpperCase()}:80/api/v1/master`, /reserved/],
      // Schemes other than https: (http: on loopback) and urn:.
      ['javascript:alert(1)', /https/],
      ['data:text/plain,hello', /https/],
      ['file:///etc/passwd', /https/],
      ['ftp://api.example', /https/],
      ['http://api.example', /https/],
      ['http://localhost.attacker.example', /https/],
      ['urn:x', /URN/],
      // User information.
      ['https://user:pass@api.example', /user information/],
      ['https://user@api.example', /user information/],
      ['https://@api.example', /user information/],
    ];
    for (const [indicator, message] of cases) {
      const response = await server.call('POST', resources(realm.name), {
        token: admin,
        json: { name: 'Bad indicator', indicator },
      });
      expect(response.status, indicator).toBe(422);
      expect(response.body, indicator).toEqual({
        error: 'validation_failed',
        message: expect.stringContaining('indicator'),
        details: [{ path: 'indicator', message: expect.stringMatching(message) }],
      });
    }
    const listed = await server.expectCall(200, 'GET', `${resources(realm.name)}?search=Bad%20indicator`, {
      token: admin,
    });
    expect(listed).toEqual([]);
  });
});

describe('resource indicators: another realm’s Management API', () => {
  it('a realm cannot create a resource for the master Management API, nor mint a token for it', async () => {
    const refused = await server.call('POST', resources(otherRealm.name), {
      token: admin,
      json: { name: 'Master, really', indicator: MASTER_AUDIENCE },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([{ path: 'indicator', message: expect.stringContaining('reserved') }]);

    // A row from before the rule: its scopes and grants as the attacker set them up.
    const legacyId = await legacyResource(otherRealm.id, MASTER_AUDIENCE);
    await server.expectCall(201, 'POST', `${resources(otherRealm.name)}/${legacyId}/scopes`, {
      token: admin,
      json: { name: 'realms:write' },
    });
    const client = await server.createRealmClient(otherRealm.name, ['realms:write'], legacyId);
    const token = await tokenRequest(otherRealm.name, client, MASTER_AUDIENCE);
    expect(token.status, JSON.stringify(token.body)).toBe(400);
    expect(token.body.error).toBe('invalid_target');

    // The realm's own Management API is still its default target.
    const own = await server.createRealmClient(otherRealm.name, ['users:read']);
    const ownToken = await server.token(otherRealm.name, own);
    expect(decodeJwt(ownToken).aud).toBe(`${TEST_ISSUER_URL}/api/v1/${otherRealm.name}`);
  });

  it('a resource from before the rule that only breaks its form (plain http:) still gets tokens', async () => {
    const indicator = `http://api-${randomUUID().slice(0, 8)}.legacy.example`;
    const legacyId = await legacyResource(realm.id, indicator);
    await server.expectCall(201, 'POST', `${resources(realm.name)}/${legacyId}/scopes`, {
      token: admin,
      json: { name: 'read' },
    });
    const client = await server.createRealmClient(realm.name, ['read'], legacyId);
    const token = await tokenRequest(realm.name, client, indicator);
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    expect(decodeJwt(token.body.access_token).aud).toBe(indicator);
  });

  it('a resource holding a bad indicator cannot be updated (422 on indicator), but can be read and deleted', async () => {
    for (const indicator of [`${TEST_ISSUER_URL}/api/v1/${realm.name}-x`, 'javascript:alert(1)']) {
      const id = await legacyResource(realm.id, indicator);
      const path = `${resources(realm.name)}/${id}`;
      const before = await server.expectCall(200, 'GET', path, { token: admin });
      const patched = await server.call('PATCH', path, { token: admin, json: { name: 'Renamed' } });
      expect(patched.status, indicator).toBe(422);
      expect(patched.body).toMatchObject({ error: 'validation_failed', details: [{ path: 'indicator' }] });
      expect(await server.expectCall(200, 'GET', path, { token: admin })).toEqual(before);
      await server.expectCall(204, 'DELETE', path, { token: admin });
    }
  });
});

describe('resource indicators: allowed', () => {
  it('https:, urn: and http: on a loopback host are created, and https: and urn: tokens carry them as aud', async () => {
    const allowed = [
      'https://api.legit.example/v1',
      `urn:realmkit:test:${randomUUID()}`,
      'http://localhost:3000/api',
      'http://127.0.0.1:9000',
      'http://[::1]:8080/api',
      // Another host of the same domain, or a look-alike, is not the server's URL.
      `https://${new URL(TEST_ISSUER_URL).host}.example/api/v1/master`,
    ];
    for (const indicator of allowed) {
      const created = await server.call('POST', resources(realm.name), {
        token: admin,
        json: { name: `Allowed ${indicator}`, indicator },
      });
      expect(created.status, `${indicator}: ${JSON.stringify(created.body)}`).toBe(201);
      expect(created.body.data.indicator).toBe(indicator);
    }
    for (const indicator of allowed.slice(0, 2)) {
      const [resource] = await server.expectCall(
        200,
        'GET',
        `${resources(realm.name)}?search=${encodeURIComponent(indicator)}`,
        { token: admin },
      );
      await server.expectCall(201, 'POST', `${resources(realm.name)}/${resource.id}/scopes`, {
        token: admin,
        json: { name: 'read' },
      });
      const client = await server.createRealmClient(realm.name, ['read'], resource.id);
      const response = await tokenRequest(realm.name, client, indicator);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(decodeJwt(response.body.access_token)).toMatchObject({ aud: indicator, scope: 'read' });
    }
  });
});
