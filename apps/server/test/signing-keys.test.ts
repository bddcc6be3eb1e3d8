import { randomBytes } from 'node:crypto';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '@realmkit/contract';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeyEntity } from '../src/keys/signing-key.entity.ts';
import { RETIREMENT_LEEWAY_S, ROTATION_PROPAGATION_S } from '../src/keys/signing-key.service.ts';
import { TEST_ISSUER_URL } from './support/constants.ts';
import { TestClock } from './support/test-clock.ts';
import { type ClientCredentials, startTestServer, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
/** The server's clock: moved forward to see retiring keys leave the JWKS, never slept on. */
const clock = new TestClock();

beforeAll(async () => {
  server = await startTestServer({ start: { clock: clock.now } });
  admin = await server.masterToken();
});
afterAll(() => server?.close());

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
const KTY: Record<SigningAlgorithm, string> = { RS256: 'RSA', ES256: 'EC', EdDSA: 'OKP' };

async function createRealm(prefix: string, signingAlgorithm?: SigningAlgorithm): Promise<TestRealm> {
  const name = `${prefix}-${randomBytes(5).toString('hex')}`;
  return server.expectCall(201, 'POST', '/api/v1/realms', {
    token: admin,
    json: { name, ...(signingAlgorithm ? { signing_algorithm: signingAlgorithm } : {}) },
  });
}

async function tokenOf(
  realm: string,
  client: ClientCredentials,
  resource?: string,
  on: TestServer = server,
): Promise<string> {
  const response = await on.call('POST', `/oauth2/${realm}/token`, {
    form: {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      ...(resource ? { resource } : {}),
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.access_token;
}

/** Verifies as a resource server would: the realm's JWKS fetched over HTTP by jose (fresh, no cooldown). */
function verifyRemotely(realm: string, token: string, audience = `${TEST_ISSUER_URL}/api/v1/${realm}`) {
  return jwtVerify(token, createRemoteJWKSet(new URL(`${server.url}/oauth2/${realm}/jwks`)), {
    issuer: `${TEST_ISSUER_URL}/oauth2/${realm}`,
    audience,
    typ: 'at+jwt',
    currentDate: new Date(clock.now()),
  });
}

async function jwksKids(realm: string, on: TestServer = server): Promise<string[]> {
  const jwks = await on.call('GET', `/oauth2/${realm}/jwks`);
  expect(jwks.status).toBe(200);
  return jwks.body.keys.map((key: { kid: string }) => key.kid);
}

const keysOf = (realm: string) => server.expectCall(200, 'GET', `/api/v1/realms/${realm}/keys`, { token: admin });
const rotate = (realm: string, json?: object) =>
  server.expectCall(200, 'POST', `/api/v1/realms/${realm}/keys/rotate`, { token: admin, ...(json ? { json } : {}) });
const kidOf = (token: string) => decodeProtectedHeader(token).kid;

/** A resource of `realm` whose tokens live `ttl` seconds, and an m2m client that may get them. */
async function shortLivedResource(realm: string, ttl: number) {
  const indicator = `https://api-${randomBytes(4).toString('hex')}.example`;
  const resource = await server.expectCall(201, 'POST', `/api/v1/${realm}/resources`, {
    token: admin,
    json: { name: 'Short-lived API', indicator, access_token_ttl: ttl },
  });
  await server.expectCall(201, 'POST', `/api/v1/${realm}/resources/${resource.id}/scopes`, {
    token: admin,
    json: { name: 'read' },
  });
  const client = await server.createRealmClient(realm, ['read'], resource.id);
  return { indicator, client };
}

describe('signing algorithms', () => {
  it.each(SIGNING_ALGORITHMS)(
    'a realm created with %s signs tokens that verify with createRemoteJWKSet against /jwks',
    async (alg) => {
      const realm = await createRealm(`alg-${alg.toLowerCase()}`, alg);
      expect(realm).toMatchObject({ signing_algorithm: alg });
      expect(await server.expectCall(200, 'GET', `/api/v1/realms/${realm.name}`, { token: admin })).toMatchObject({
        signing_algorithm: alg,
      });

      const client = await server.createRealmClient(realm.name, ['users:read']);
      const token = await tokenOf(realm.name, client);
      const { payload, protectedHeader } = await verifyRemotely(realm.name, token);
      expect(protectedHeader).toMatchObject({ alg, typ: 'at+jwt' });
      expect(payload).toMatchObject({ client_id: client.clientId, scope: 'users:read' });
      expect((await server.call('GET', `/api/v1/${realm.name}/users`, { token })).status).toBe(200);

      const jwks = (await server.call('GET', `/oauth2/${realm.name}/jwks`)).body;
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kid: protectedHeader.kid, alg, kty: KTY[alg], use: 'sig' });
      for (const member of PRIVATE_JWK_MEMBERS) expect(jwks.keys[0]).not.toHaveProperty(member);

      const discovery = await server.call('GET', `/oauth2/${realm.name}/.well-known/openid-configuration`);
      expect(discovery.body.id_token_signing_alg_values_supported).toEqual([alg]);
      expect(await keysOf(realm.name)).toEqual([
        { kid: protectedHeader.kid, alg, status: 'active', created_at: expect.any(String), retires_at: null },
      ]);
    },
  );

  it('defaults to RS256, and refuses an algorithm it does not offer (400)', async () => {
    const realm = await createRealm('alg-default');
    expect(realm).toMatchObject({ signing_algorithm: 'RS256' });
    for (const alg of ['HS256', 'none', 'RS512', 'Ed25519']) {
      const created = await server.call('POST', '/api/v1/realms', {
        token: admin,
        json: { name: `alg-bad-${randomBytes(4).toString('hex')}`, signing_algorithm: alg },
      });
      expect(created.status, alg).toBe(400);
      expect(created.body.details).toEqual([expect.objectContaining({ path: 'signing_algorithm' })]);
      const patched = await server.call('PATCH', `/api/v1/realms/${realm.name}`, {
        token: admin,
        json: { signing_algorithm: alg },
      });
      expect(patched.status, alg).toBe(400);
      const rotated = await server.call('POST', `/api/v1/realms/${realm.name}/keys/rotate`, {
        token: admin,
        json: { algorithm: alg },
      });
      expect(rotated.status, alg).toBe(400);
    }
    expect(await keysOf(realm.name)).toHaveLength(1);
  });
});

describe('key rotation', () => {
  it('a new active key signs from now on; the old one stays in the JWKS and its tokens keep verifying', async () => {
    const realm = await createRealm('rotate');
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const oldToken = await tokenOf(realm.name, client);
    const [oldKey] = await keysOf(realm.name);

    const keys = await rotate(realm.name);
    expect(keys).toEqual([
      { kid: expect.any(String), alg: 'RS256', status: 'active', created_at: expect.any(String), retires_at: null },
      { ...oldKey, status: 'retiring', retires_at: expect.any(String) },
    ]);
    const newKid = keys[0].kid;
    expect(newKid).not.toBe(oldKey.kid);

    const newToken = await tokenOf(realm.name, client);
    expect(kidOf(newToken)).toBe(newKid);
    expect(await jwksKids(realm.name)).toEqual([newKid, oldKey.kid]);
    for (const token of [oldToken, newToken]) {
      expect((await verifyRemotely(realm.name, token)).payload.client_id).toBe(client.clientId);
      expect((await server.call('GET', `/api/v1/${realm.name}/users`, { token })).status).toBe(200);
    }
  });

  it('PATCH signing_algorithm rotates to a key of that algorithm; the same algorithm rotates nothing', async () => {
    const realm = await createRealm('patch-alg');
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const rsaToken = await tokenOf(realm.name, client);

    const patched = await server.expectCall(200, 'PATCH', `/api/v1/realms/${realm.name}`, {
      token: admin,
      json: { signing_algorithm: 'ES256' },
    });
    expect(patched).toMatchObject({ signing_algorithm: 'ES256' });
    expect((await keysOf(realm.name)).map((k: { alg: string; status: string }) => [k.alg, k.status])).toEqual([
      ['ES256', 'active'],
      ['RS256', 'retiring'],
    ]);
    const ecToken = await tokenOf(realm.name, client);
    expect(decodeProtectedHeader(ecToken).alg).toBe('ES256');
    for (const token of [rsaToken, ecToken]) {
      expect((await server.call('GET', `/api/v1/${realm.name}/users`, { token })).status).toBe(200);
      await verifyRemotely(realm.name, token);
    }
    const discovery = await server.call('GET', `/.well-known/oauth-authorization-server/oauth2/${realm.name}`);
    expect(discovery.body.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);

    const same = await server.expectCall(200, 'PATCH', `/api/v1/realms/${realm.name}`, {
      token: admin,
      json: { signing_algorithm: 'ES256', display_name: 'Still ES256' },
    });
    expect(same).toMatchObject({ signing_algorithm: 'ES256', display_name: 'Still ES256' });
    expect(await keysOf(realm.name)).toHaveLength(2);

    const rotated = await rotate(realm.name, { algorithm: 'EdDSA' });
    expect(rotated.map((k: { alg: string }) => k.alg)).toEqual(['EdDSA', 'ES256', 'RS256']);
    expect(await server.expectCall(200, 'GET', `/api/v1/realms/${realm.id}`, { token: admin })).toMatchObject({
      signing_algorithm: 'EdDSA',
    });
    expect(decodeProtectedHeader(await tokenOf(realm.name, client)).alg).toBe('EdDSA');
  });

  it('concurrent rotations of one realm run one at a time and leave exactly one active key', async () => {
    const realm = await createRealm('rotate-concurrent');
    const results = await Promise.all([rotate(realm.name), rotate(realm.name), rotate(realm.name)]);
    expect(results).toHaveLength(3);
    const keys = await keysOf(realm.name);
    expect(keys).toHaveLength(4);
    expect(keys.filter((key: { status: string }) => key.status === 'active')).toHaveLength(1);
    expect(new Set(keys.map((key: { kid: string }) => key.kid)).size).toBe(4);
  });

  it('lists and rotates with a master token only: realms:read lists, realms:write rotates', async () => {
    const realm = await createRealm('rotate-auth');
    const path = `/api/v1/realms/${realm.name}/keys`;
    const reader = await server.masterToken('realms:read');
    expect((await server.call('GET', path, { token: reader })).status).toBe(200);
    const readerRotates = await server.call('POST', `${path}/rotate`, { token: reader });
    expect(readerRotates.status).toBe(403);
    expect(readerRotates.body.error).toBe('insufficient_scope');

    const own = await server.token(
      realm.name,
      await server.createRealmClient(realm.name, ['users:read', 'applications:write']),
    );
    for (const [method, route] of [
      ['GET', path],
      ['POST', `${path}/rotate`],
    ] as const) {
      expect((await server.call(method, route, { token: own })).status, `${method} ${route}`).toBe(403);
      expect((await server.call(method, route)).status, `${method} ${route}`).toBe(401);
    }
    expect((await server.call('POST', '/api/v1/realms/no-such-realm/keys/rotate', { token: admin })).status).toBe(404);
    expect((await server.call('GET', '/api/v1/realms/no-such-realm/keys', { token: admin })).status).toBe(404);
    const unknownField = await server.call('POST', `${path}/rotate`, { token: admin, json: { kid: 'mine' } });
    expect(unknownField.status).toBe(400);
    expect(await keysOf(realm.name)).toHaveLength(1);
  });

  it('keeps private keys sealed at rest and out of every response', async () => {
    const realm = await createRealm('sealed', 'EdDSA');
    const keys = await rotate(realm.name);
    for (const key of keys)
      expect(Object.keys(key).sort()).toEqual(['alg', 'created_at', 'kid', 'retires_at', 'status']);
    const rows = await server.services.orm.em.fork().find(SigningKeyEntity, { realmId: realm.id });
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.privateKeySealed).toMatch(/^v2\.[0-9a-f]{8}\./);
      expect(row.privateKeySealed).not.toContain('PRIVATE KEY');
    }
  });
});

describe('retirement: the old key leaves the JWKS once every token it signed has expired', () => {
  it('stays until its longest-lived token can have expired (+ propagation and leeway), then leaves', async () => {
    const realm = await createRealm('retire');
    const { indicator, client } = await shortLivedResource(realm.name, 60);
    const oldToken = await tokenOf(realm.name, client, indicator);
    const oldKid = kidOf(oldToken);

    const before = clock.now();
    const [, retiring] = await rotate(realm.name);
    const after = clock.now();
    const retiresAt = Date.parse(retiring.retires_at);
    const retention = (60 + ROTATION_PROPAGATION_S + RETIREMENT_LEEWAY_S) * 1000;
    expect(retiresAt).toBeGreaterThanOrEqual(before + retention - 1000);
    expect(retiresAt).toBeLessThanOrEqual(after + retention + 1000);
    await verifyRemotely(realm.name, oldToken, indicator);

    clock.advanceTo(retiresAt - 2000);
    expect(await jwksKids(realm.name)).toContain(oldKid);
    expect(await keysOf(realm.name)).toHaveLength(2);

    clock.advanceTo(retiresAt + 1000);
    const kids = await jwksKids(realm.name);
    expect(kids).toHaveLength(1);
    expect(kids).not.toContain(oldKid);
    expect(await keysOf(realm.name)).toEqual([expect.objectContaining({ status: 'active' })]);
    const reissued = await tokenOf(realm.name, client, indicator);
    await verifyRemotely(realm.name, reissued, indicator);

    // The next rotation deletes the key whose retirement is over.
    await rotate(realm.name);
    const rows = await server.services.orm.em.fork().find(SigningKeyEntity, { realmId: realm.id });
    expect(rows.map((row) => row.kid)).not.toContain(oldKid);
  });

  it('a key that signed an hour-long token stays an hour; one that signed nothing, only the leeway', async () => {
    const busy = await createRealm('retire-hour');
    await tokenOf(busy.name, await server.createRealmClient(busy.name, ['users:read'])); // Management API: 3600 s
    const idle = await createRealm('retire-idle');

    const before = clock.now();
    const [, busyRetiring] = await rotate(busy.name);
    const [, idleRetiring] = await rotate(idle.name);
    const after = clock.now();
    const slack = (ROTATION_PROPAGATION_S + RETIREMENT_LEEWAY_S) * 1000;
    expect(Date.parse(busyRetiring.retires_at)).toBeGreaterThanOrEqual(before + 3600_000 + slack - 1000);
    expect(Date.parse(busyRetiring.retires_at)).toBeLessThanOrEqual(after + 3600_000 + slack + 1000);
    expect(Date.parse(idleRetiring.retires_at)).toBeGreaterThanOrEqual(before + slack - 1000);
    expect(Date.parse(idleRetiring.retires_at)).toBeLessThanOrEqual(after + slack + 1000);
  });

  it('a token signed with the old key by an instance that has not yet seen the rotation lengthens its retirement', async () => {
    const realm = await createRealm('retire-late');
    const keys = server.services.signingKeys;
    const staleKey = await keys.activeKey(realm.id); // what another instance might still hold
    const [, retiring] = await rotate(realm.name);
    expect(retiring.kid).toBe(staleKey.kid);

    const signedAt = clock.now();
    await keys.recordTokenTtl(staleKey, 600);
    const [, lengthened] = await keysOf(realm.name);
    expect(Date.parse(lengthened.retires_at)).toBeGreaterThanOrEqual(signedAt + (600 + RETIREMENT_LEEWAY_S) * 1000);
    expect(Date.parse(lengthened.retires_at)).toBeGreaterThan(Date.parse(retiring.retires_at));
  });
});

describe('two instances on one database', () => {
  let other: TestServer;
  beforeAll(async () => {
    other = await startTestServer({ start: { clock: clock.now } });
  });
  afterAll(() => other?.close());

  it('a rotation on one instance is used by the other within seconds', { timeout: 20_000 }, async () => {
    const realm = await createRealm('two-instances');
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const oldToken = await tokenOf(realm.name, client, undefined, other);
    const oldKid = kidOf(oldToken);
    expect(await jwksKids(realm.name, other)).toEqual([oldKid]);

    const [{ kid: newKid }] = await rotate(realm.name);
    // The other instance has the old key cached: poll it until it signs with the new one.
    let token = await tokenOf(realm.name, client, undefined, other);
    while (kidOf(token) !== newKid) {
      expect(kidOf(token)).toBe(oldKid);
      await new Promise((resolve) => setTimeout(resolve, 100));
      token = await tokenOf(realm.name, client, undefined, other);
    }
    expect(await jwksKids(realm.name, other)).toEqual([newKid, oldKid]);
    for (const [issuedBy, checkedBy] of [
      [other, server],
      [server, other],
    ] as const) {
      const fresh = await tokenOf(realm.name, client, undefined, issuedBy);
      expect(kidOf(fresh)).toBe(newKid);
      expect((await checkedBy.call('GET', `/api/v1/${realm.name}/users`, { token: fresh })).status).toBe(200);
    }
    expect((await other.call('GET', `/api/v1/${realm.name}/users`, { token: oldToken })).status).toBe(200);
  });
});
