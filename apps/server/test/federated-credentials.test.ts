import { randomBytes, randomUUID } from 'node:crypto';
import { MAX_FEDERATED_CREDENTIALS } from '@realmkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ISSUER_URL } from './support/constants.ts';
import { ISO_TIMESTAMP, UUID } from './support/matchers.ts';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;
let otherRealm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm, otherRealm } = await startWithRealms('federated'));
});
afterAll(() => server?.close());

const apps = (ref = realm.name) => `/api/v1/${ref}/applications`;
const credentials = (appId: string, ref = realm.name) => `${apps(ref)}/${appId}/federated-credentials`;
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

const GITHUB = 'https://token.actions.githubusercontent.com';
const NOT_PRIVATE_KEY_JWT =
  'Federated credentials authenticate only an application whose token_endpoint_auth_method is private_key_jwt';

/** An application that may trust workloads: `private_key_jwt`, with no keys of its own. */
async function createKeyApp(ref = realm.name, type = 'm2m') {
  return server.expectCall(201, 'POST', apps(ref), {
    token: admin,
    json: { name: unique('workload'), type, token_endpoint_auth_method: 'private_key_jwt' },
  });
}

function createCredential(appId: string, json: Record<string, unknown>, ref = realm.name, token = admin) {
  return server.call('POST', credentials(appId, ref), { token, json });
}

function credentialBody(overrides: Record<string, unknown> = {}) {
  return {
    name: unique('cred'),
    issuer: GITHUB,
    subject: `repo:acme/${unique('repo')}:ref:refs/heads/main`,
    ...overrides,
  };
}

/** Each route of a credential, relative to `…/federated-credentials`: method, path suffix, body. */
function everyRoute(credentialId: string) {
  return [
    ['GET', '', undefined],
    ['POST', '', credentialBody()],
    ['GET', `/${credentialId}`, undefined],
    ['DELETE', `/${credentialId}`, undefined],
  ] as const;
}

describe('federated credentials: create, get, list, delete', () => {
  it('round trip: defaults to the realm issuer as audience, lists by name, deletes', async () => {
    const app = await createKeyApp();
    const created = await createCredential(app.id, {
      name: 'github-deploy',
      issuer: GITHUB,
      subject: 'repo:acme/billing:environment:production',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual({
      data: {
        id: expect.stringMatching(UUID),
        name: 'github-deploy',
        description: null,
        issuer: GITHUB,
        subject: 'repo:acme/billing:environment:production',
        audiences: [`${TEST_ISSUER_URL}/oauth2/${realm.name}`],
        jwks_uri: null,
        created_at: expect.stringMatching(ISO_TIMESTAMP),
      },
    });
    const github = created.body.data;

    // Given audiences are kept, without duplicates; a jwks_uri and a description too.
    const kubernetes = await server.expectCall(201, 'POST', credentials(app.id), {
      token: admin,
      json: {
        name: 'cluster-billing',
        description: 'Billing pods',
        issuer: 'https://kubernetes.example.com',
        subject: 'system:serviceaccount:billing:worker',
        audiences: ['realmkit', 'https://auth.example.com', 'realmkit'],
        jwks_uri: 'https://kubernetes.example.com/openid/v1/jwks',
      },
    });
    expect(kubernetes).toMatchObject({
      description: 'Billing pods',
      audiences: ['realmkit', 'https://auth.example.com'],
      jwks_uri: 'https://kubernetes.example.com/openid/v1/jwks',
    });

    for (const ref of [realm.name, realm.id]) {
      expect(await server.expectCall(200, 'GET', `${credentials(app.id, ref)}/${github.id}`, { token: admin })).toEqual(
        github,
      );
    }

    const listed = await server.call('GET', credentials(app.id), { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([kubernetes, github]);
    expect(listed.body.meta).toEqual({ current_page: 1, per_page: 20, total: 2 });
    const secondPage = await server.call('GET', `${credentials(app.id)}?per_page=1&page=2`, { token: admin });
    expect(secondPage.body).toEqual({ data: [github], meta: { current_page: 2, per_page: 1, total: 2 } });

    // `search` matches name, issuer and subject, case-insensitively.
    for (const [search, expected] of [
      ['GITHUB-DEPLOY', [github]],
      ['kubernetes.example', [kubernetes]],
      ['serviceaccount:billing', [kubernetes]],
      ['refs%2Fheads', []],
      ['environment%3Aproduction', [github]],
    ] as const) {
      const found = await server.call('GET', `${credentials(app.id)}?search=${search}`, { token: admin });
      expect(found.body.data, search).toEqual(expected);
    }

    expect((await server.call('DELETE', `${credentials(app.id)}/${github.id}`, { token: admin })).status).toBe(204);
    const gone = await server.call('GET', `${credentials(app.id)}/${github.id}`, { token: admin });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: 'not_found', message: 'Federated credential not found' });
    const again = await server.call('DELETE', `${credentials(app.id)}/${github.id}`, { token: admin });
    expect(again.status).toBe(404);
    expect(again.body.message).toBe('Federated credential not found');
    expect((await server.call('GET', credentials(app.id), { token: admin })).body.data).toEqual([kubernetes]);
  });

  it('findForAssertion answers the credentials of that application with that issuer, one per subject', async () => {
    const app = await createKeyApp();
    const other = await createKeyApp();
    const main = await server.expectCall(201, 'POST', credentials(app.id), {
      token: admin,
      json: credentialBody({ subject: 'repo:acme/billing:ref:refs/heads/main' }),
    });
    const release = await server.expectCall(201, 'POST', credentials(app.id), {
      token: admin,
      json: credentialBody({ subject: 'repo:acme/billing:ref:refs/tags/v1' }),
    });
    await server.expectCall(201, 'POST', credentials(app.id), {
      token: admin,
      json: credentialBody({ issuer: 'https://gitlab.example.com' }),
    });
    await server.expectCall(201, 'POST', credentials(other.id), { token: admin, json: credentialBody() });

    const found = await server.services.federatedCredentials.findForAssertion(realm.id, app.id, GITHUB);
    expect(found.map((c) => c.id).sort()).toEqual([main.id, release.id].sort());
    expect(found.find((c) => c.id === main.id)).toMatchObject({
      issuer: GITHUB,
      subject: 'repo:acme/billing:ref:refs/heads/main',
      audiences: [`${TEST_ISSUER_URL}/oauth2/${realm.name}`],
      jwksUri: null,
    });
    // Exactly the issuer: no prefix, no trailing slash; and never another realm's.
    expect(await server.services.federatedCredentials.findForAssertion(realm.id, app.id, `${GITHUB}/`)).toEqual([]);
    expect(await server.services.federatedCredentials.findForAssertion(otherRealm.id, app.id, GITHUB)).toEqual([]);
  });

  it('deleting the application deletes its credentials (they authenticate nothing else)', async () => {
    const app = await createKeyApp();
    const credential = await server.expectCall(201, 'POST', credentials(app.id), {
      token: admin,
      json: credentialBody(),
    });
    const countOf = async () => {
      const [row] = await server.services.orm.em
        .fork()
        .execute<{ count: string }[]>('select count(*) from federated_credentials where application_id = ?', [app.id]);
      return Number(row?.count);
    };
    expect(await countOf()).toBe(1);
    await server.expectCall(204, 'DELETE', `${apps()}/${app.id}`, { token: admin });
    expect(await countOf()).toBe(0);
    const gone = await server.call('GET', `${credentials(app.id)}/${credential.id}`, { token: admin });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe('Application not found');
  });
});

describe('federated credentials: what create refuses (422)', () => {
  it.each([
    ['an m2m application with a client secret', { type: 'm2m' }, 'client_secret_basic'],
    [
      'a traditional one with client_secret_post',
      { type: 'traditional', token_endpoint_auth_method: 'client_secret_post' },
      'client_secret_post',
    ],
    ['a public spa', { type: 'spa' }, 'none'],
  ])('only a private_key_jwt application: not %s', async (_, json, method) => {
    const app = await server.expectCall(201, 'POST', apps(), { token: admin, json: { name: unique('app'), ...json } });
    const refused = await createCredential(app.id, credentialBody());
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: 'validation_failed',
      message: NOT_PRIVATE_KEY_JWT,
      details: [{ path: 'id', message: `This application authenticates with ${method}` }],
    });
    expect((await server.call('GET', credentials(app.id), { token: admin })).body.meta.total).toBe(0);
  });

  it.each([
    ['plain http', 'http://example.com', 'must use https'],
    [
      'a loopback address (not allowed by this server)',
      'https://127.0.0.1:8080',
      'must not point at a loopback, link-local or private-range address',
    ],
    [
      'a private-range address',
      'https://10.0.0.7',
      'must not point at a loopback, link-local or private-range address',
    ],
    [
      'a link-local address (cloud metadata)',
      'https://169.254.169.254/latest',
      'must not point at a loopback, link-local or private-range address',
    ],
    ['javascript:', 'javascript:alert(1)', 'must use https'],
    ['a user name and password', 'https://user:secret@issuer.example.com', 'must not contain a user name or password'],
    ['a fragment', 'https://issuer.example.com/#keys', 'must not contain a fragment'],
    ['not a URL', 'issuer.example.com', 'must be an absolute URL'],
  ])('refuses an issuer or jwks_uri with %s', async (_, url, problem) => {
    const app = await createKeyApp();
    const badIssuer = await createCredential(app.id, credentialBody({ issuer: url }));
    expect(badIssuer.status).toBe(422);
    expect(badIssuer.body).toEqual({
      error: 'validation_failed',
      message: 'Invalid federated credential',
      details: [{ path: 'issuer', message: `issuer ${problem}` }],
    });
    const badJwksUri = await createCredential(app.id, credentialBody({ jwks_uri: url }));
    expect(badJwksUri.status).toBe(422);
    expect(badJwksUri.body.details).toEqual([{ path: 'jwks_uri', message: `jwks_uri ${problem}` }]);
    expect((await server.call('GET', credentials(app.id), { token: admin })).body.meta.total).toBe(0);
  });

  it('names every problem at once, one detail each', async () => {
    const app = await server.expectCall(201, 'POST', apps(), {
      token: admin,
      json: { name: unique('app'), type: 'm2m' },
    });
    const refused = await createCredential(
      app.id,
      credentialBody({ issuer: 'http://example.com', jwks_uri: 'https://u:p@example.com/jwks' }),
    );
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: 'validation_failed',
      message: NOT_PRIVATE_KEY_JWT,
      details: [
        { path: 'id', message: 'This application authenticates with client_secret_basic' },
        { path: 'issuer', message: 'issuer must use https' },
        { path: 'jwks_uri', message: 'jwks_uri must not contain a user name or password' },
      ],
    });
  });

  it(`at most ${MAX_FEDERATED_CREDENTIALS} per application, also when creates race for the last places`, async () => {
    const app = await createKeyApp();
    for (let i = 0; i < MAX_FEDERATED_CREDENTIALS - 2; i++) {
      await server.expectCall(201, 'POST', credentials(app.id), { token: admin, json: credentialBody() });
    }
    // Five creates for the last two places: exactly two get one.
    const responses = await Promise.all(Array.from({ length: 5 }, () => createCredential(app.id, credentialBody())));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 422, 422, 422]);
    for (const response of responses.filter((r) => r.status === 422)) {
      expect(response.body).toEqual({
        error: 'validation_failed',
        message: 'Invalid federated credential',
        details: [
          { path: 'id', message: `An application trusts at most ${MAX_FEDERATED_CREDENTIALS} federated credentials` },
        ],
      });
    }
    const listed = await server.call('GET', `${credentials(app.id)}?per_page=100`, { token: admin });
    expect(listed.body.meta.total).toBe(MAX_FEDERATED_CREDENTIALS);

    // Another application has its own places; a delete frees one.
    await server.expectCall(201, 'POST', credentials((await createKeyApp()).id), {
      token: admin,
      json: credentialBody(),
    });
    await server.expectCall(204, 'DELETE', `${credentials(app.id)}/${listed.body.data[0].id}`, { token: admin });
    await server.expectCall(201, 'POST', credentials(app.id), { token: admin, json: credentialBody() });
  });

  it('refuses a malformed body before anything else (400)', async () => {
    const app = await createKeyApp();
    for (const json of [
      credentialBody({ name: 'has spaces' }),
      credentialBody({ audiences: [] }),
      credentialBody({ audiences: ['a', 'b', 'c', 'd', 'e', 'f'] }),
      credentialBody({ subject: '' }),
      credentialBody({ unknown_field: true }),
      { name: unique('cred'), issuer: GITHUB },
    ]) {
      const response = await createCredential(app.id, json);
      expect(response.status, JSON.stringify(json)).toBe(400);
      expect(response.body.error).toBe('invalid_request');
    }
  });
});

describe('federated credentials: duplicates (409)', () => {
  it('a name, or an issuer and subject, that the application already has', async () => {
    const app = await createKeyApp();
    const first = await server.expectCall(201, 'POST', credentials(app.id), { token: admin, json: credentialBody() });

    const sameName = await createCredential(app.id, credentialBody({ name: first.name }));
    expect(sameName.status).toBe(409);
    expect(sameName.body).toMatchObject({ error: 'conflict', details: [{ path: 'name' }] });

    const sameSubject = await createCredential(app.id, credentialBody({ subject: first.subject }));
    expect(sameSubject.status).toBe(409);
    expect(sameSubject.body).toMatchObject({ error: 'conflict', details: [{ path: 'subject' }] });

    // The same subject of another issuer is another workload; another application may trust the same one.
    await server.expectCall(201, 'POST', credentials(app.id), {
      token: admin,
      json: credentialBody({ subject: first.subject, issuer: 'https://gitlab.example.com' }),
    });
    await server.expectCall(201, 'POST', credentials((await createKeyApp()).id), {
      token: admin,
      json: credentialBody({ name: first.name, subject: first.subject }),
    });
    expect((await server.call('GET', credentials(app.id), { token: admin })).body.meta.total).toBe(2);
  });

  it.each([
    ['name', (body: Record<string, string>) => ({ ...credentialBody(), name: body.name })],
    ['subject', (body: Record<string, string>) => ({ ...credentialBody(), subject: body.subject })],
  ])('5 simultaneous creates with one %s: one 201, four 409s', async (path, variant) => {
    const app = await createKeyApp();
    const shared = credentialBody();
    const responses = await Promise.all(Array.from({ length: 5 }, () => createCredential(app.id, variant(shared))));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(4);
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(response.body).toMatchObject({ error: 'conflict', details: [{ path }] });
    }
    expect((await server.call('GET', credentials(app.id), { token: admin })).body.meta.total).toBe(1);
  });
});

describe('federated credentials: authorization and realm isolation', () => {
  it('404 for an application of another realm, or an unknown one, on every route', async () => {
    const foreign = await createKeyApp(otherRealm.name);
    const foreignCredential = await server.expectCall(201, 'POST', credentials(foreign.id, otherRealm.name), {
      token: admin,
      json: credentialBody(),
    });
    for (const appId of [foreign.id, randomUUID()]) {
      for (const [method, suffix, json] of everyRoute(foreignCredential.id)) {
        const response = await server.call(method, `${credentials(appId)}${suffix}`, { token: admin, json });
        expect(response.status, `${method} ${suffix}`).toBe(404);
        expect(response.body, `${method} ${suffix}`).toMatchObject({
          error: 'not_found',
          message: 'Application not found',
        });
      }
    }
    // Nor under another application of the right realm.
    const mine = await createKeyApp();
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await server.call(method, `${credentials(mine.id)}/${foreignCredential.id}`, { token: admin });
      expect(response.status, method).toBe(404);
      expect(response.body.message, method).toBe('Federated credential not found');
    }
    const stillThere = await server.call('GET', credentials(foreign.id, otherRealm.name), { token: admin });
    expect(stillThere.body.data).toEqual([foreignCredential]);
  });

  it("a realm-A token cannot reach realm B's credentials (401)", async () => {
    const client = await server.createRealmClient(realm.name, ['applications:read', 'applications:write']);
    const token = await server.token(realm.name, client);
    const foreign = await createKeyApp(otherRealm.name);
    const foreignCredential = await server.expectCall(201, 'POST', credentials(foreign.id, otherRealm.name), {
      token: admin,
      json: credentialBody(),
    });
    for (const ref of [otherRealm.name, otherRealm.id]) {
      for (const [method, suffix, json] of everyRoute(foreignCredential.id)) {
        const response = await server.call(method, `${credentials(foreign.id, ref)}${suffix}`, { token, json });
        expect(response.status, `${method} ${ref}${suffix}`).toBe(401);
        expect(response.body.error).toBe('invalid_token');
      }
    }
    const stillThere = await server.call('GET', credentials(foreign.id, otherRealm.name), { token: admin });
    expect(stillThere.body.data).toEqual([foreignCredential]);
  });

  it('applications:read lists and gets but may not create or delete (403)', async () => {
    const client = await server.createRealmClient(realm.name, ['applications:read']);
    const token = await server.token(realm.name, client);
    const app = await createKeyApp();
    const credential = await server.expectCall(201, 'POST', credentials(app.id), {
      token: admin,
      json: credentialBody(),
    });

    expect(await server.expectCall(200, 'GET', credentials(app.id), { token })).toEqual([credential]);
    expect(await server.expectCall(200, 'GET', `${credentials(app.id)}/${credential.id}`, { token })).toEqual(
      credential,
    );

    const created = await createCredential(app.id, credentialBody(), realm.name, token);
    expect(created.status).toBe(403);
    expect(created.body).toMatchObject({
      error: 'insufficient_scope',
      message: expect.stringContaining('applications:write'),
    });
    const deleted = await server.call('DELETE', `${credentials(app.id)}/${credential.id}`, { token });
    expect(deleted.status).toBe(403);
    expect(await server.expectCall(200, 'GET', credentials(app.id), { token })).toEqual([credential]);

    expect((await server.call('GET', credentials(app.id))).status).toBe(401);
  });
});

describe('federated credentials: audit trail', () => {
  it('records creating and deleting one, with the application it belongs to', async () => {
    const app = await createKeyApp();
    const credential = await server.expectCall(201, 'POST', credentials(app.id), {
      token: admin,
      json: credentialBody({ audiences: ['realmkit'] }),
    });
    await server.expectCall(204, 'DELETE', `${credentials(app.id)}/${credential.id}`, { token: admin });

    const entries = await server.call('GET', `/api/v1/${realm.name}/audit-logs?target_id=${credential.id}`, {
      token: admin,
    });
    expect(entries.status).toBe(200);
    expect(
      entries.body.data.map((e: { action: string; status: number; target: object; details: object }) => ({
        action: e.action,
        status: e.status,
        target: e.target,
        details: e.details,
      })),
    ).toEqual([
      {
        action: 'application.federated_credential_deleted',
        status: 204,
        target: { type: 'federated_credential', id: credential.id },
        details: { application_id: app.id },
      },
      {
        action: 'application.federated_credential_created',
        status: 201,
        target: { type: 'federated_credential', id: credential.id },
        details: { application_id: app.id, fields: ['name', 'issuer', 'subject', 'audiences'] },
      },
    ]);
  });
});
