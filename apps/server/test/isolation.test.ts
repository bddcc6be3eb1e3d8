import { contract, REALM_MANAGEMENT_SCOPES } from '@realmkit/contract';
import { type AppRoute, type AppRouter, isAppRoute } from '@ts-rest/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * No query crosses realms: every route of the contract that takes an id answers 404 when the
 * id belongs to another realm, whoever asks. Routes are read from the contract, so a new
 * id-bearing route is covered as soon as it exists (and fails here until it has a body below).
 */
let server: TestServer;
let admin: string;
let realmA: { id: string; name: string };
let realmB: { id: string; name: string };
/** Records of realm B, by the path parameter that names them. */
let idsInB: {
  users: string;
  applications: string;
  roles: string;
  resources: string;
  scopeId: string;
  credentialId: string;
};

const idRoutes = Object.entries(contract).flatMap(([group, router]) =>
  Object.entries(router as Record<string, AppRoute | AppRouter>)
    .filter((entry): entry is [string, AppRoute] => isAppRoute(entry[1]))
    .filter(([, route]) => route.path.startsWith('/api/v1/:realm/') && route.path.includes('/:id'))
    .map(([name, route]) => ({ key: `${group}.${name}`, group, route })),
);

/** A valid body for each id-bearing route that takes one, so that validation passes and the lookup decides. */
function bodyFor(key: string): unknown {
  const bodies: Record<string, unknown> = {
    'users.update': { name: 'Mallory' },
    'users.setPassword': { password: 'another-password-123' },
    'users.setSuspended': { is_suspended: true },
    'users.verifyPassword': { password: 'some-password-123' },
    'users.assignRoles': { role_ids: [idsInB.roles] },
    'applications.update': { name: 'Mallory' },
    'applications.assignRoles': { role_ids: [idsInB.roles] },
    'applications.rotateSecret': { grace_period_seconds: 60 },
    'applications.createFederatedCredential': {
      name: 'mallory',
      issuer: 'https://mallory.example',
      subject: 'mallory',
    },
    'roles.update': { name: 'mallory' },
    'roles.assignScopes': { scope_ids: [idsInB.scopeId] },
    'resources.update': { name: 'Mallory' },
    'resources.createScope': { name: 'mallory:scope' },
    'resources.updateScope': { description: 'Mallory' },
  };
  if (!(key in bodies)) throw new Error(`isolation.test.ts: add a valid body for ${key}`);
  return bodies[key];
}

function hasBody(route: AppRoute): boolean {
  return 'body' in route && typeof route.body !== 'symbol' && route.body !== undefined;
}

function pathIn(realm: string, route: AppRoute, group: keyof typeof idsInB): string {
  return (
    route.path
      .replace(':realm', realm)
      .replace(':id', idsInB[group])
      .replace(':roleId', idsInB.roles)
      .replace(':scopeId', idsInB.scopeId)
      .replace(':credentialId', idsInB.credentialId)
      // No session exists under realm A's path for B's user: the user lookup decides.
      .replace(':sessionId', '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20')
  );
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.masterToken();
  realmA = await server.createRealm(admin, 'iso-a');
  realmB = await server.createRealm(admin, 'iso-b');
  const b = `/api/v1/${realmB.id}`;
  const token = admin;
  const user = await server.expectCall(201, 'POST', `${b}/users`, {
    token,
    json: { email: 'bob@example.com', password: 'bobs-password-123' },
  });
  const role = await server.expectCall(201, 'POST', `${b}/roles`, { token, json: { name: 'b-role' } });
  // private_key_jwt: only such an application may hold federated credentials.
  const application = await server.expectCall(201, 'POST', `${b}/applications`, {
    token,
    json: { name: 'b-app', type: 'm2m', token_endpoint_auth_method: 'private_key_jwt' },
  });
  const credential = await server.expectCall(201, 'POST', `${b}/applications/${application.id}/federated-credentials`, {
    token,
    json: { name: 'b-workload', issuer: 'https://b-issuer.example', subject: 'b-workload' },
  });
  const resource = await server.expectCall(201, 'POST', `${b}/resources`, {
    token,
    json: { name: 'B API', indicator: 'https://b.example' },
  });
  const scope = await server.expectCall(201, 'POST', `${b}/resources/${resource.id}/scopes`, {
    token,
    json: { name: 'b:scope' },
  });
  await server.expectCall(204, 'POST', `${b}/roles/${role.id}/scopes`, { token, json: { scope_ids: [scope.id] } });
  await server.expectCall(204, 'POST', `${b}/users/${user.id}/roles`, { token, json: { role_ids: [role.id] } });
  await server.expectCall(204, 'POST', `${b}/applications/${application.id}/roles`, {
    token,
    json: { role_ids: [role.id] },
  });
  idsInB = {
    users: user.id,
    applications: application.id,
    roles: role.id,
    resources: resource.id,
    scopeId: scope.id,
    credentialId: credential.id,
  };
});
afterAll(() => server?.close());

async function snapshotOfB() {
  const b = `/api/v1/${realmB.name}`;
  const get = (path: string) => server.expectCall(200, 'GET', `${b}${path}`, { token: admin });
  return {
    user: await get(`/users/${idsInB.users}`),
    userRoles: await get(`/users/${idsInB.users}/roles`),
    application: await get(`/applications/${idsInB.applications}`),
    applicationRoles: await get(`/applications/${idsInB.applications}/roles`),
    credentials: await get(`/applications/${idsInB.applications}/federated-credentials`),
    role: await get(`/roles/${idsInB.roles}`),
    roleScopes: await get(`/roles/${idsInB.roles}/scopes`),
    resource: await get(`/resources/${idsInB.resources}`),
    scopes: await get(`/resources/${idsInB.resources}/scopes`),
  };
}

describe('realm isolation of every id-bearing route', () => {
  it('covers the routes of every Management API feature', () => {
    expect(new Set(idRoutes.map(({ group }) => group))).toEqual(
      new Set(['users', 'applications', 'roles', 'resources']),
    );
    expect(idRoutes.length).toBeGreaterThanOrEqual(30);
  });

  it.each([
    ['a master-realm token', () => Promise.resolve(admin)],
    [
      "realm A's own token with every scope",
      async () => server.token(realmA.name, await server.createRealmClient(realmA.name, REALM_MANAGEMENT_SCOPES)),
    ],
  ])("answers 404 to %s for realm B's ids under realm A, and changes nothing in B", async (_who, tokenOf) => {
    const token = await tokenOf();
    const before = await snapshotOfB();
    for (const { key, group, route } of idRoutes) {
      const path = pathIn(realmA.name, route, group as keyof typeof idsInB);
      const response = await server.call(route.method, path, {
        token,
        ...(hasBody(route) ? { json: bodyFor(key) } : {}),
      });
      expect({ key, status: response.status, error: response.body?.error }).toEqual({
        key,
        status: 404,
        error: 'not_found',
      });
      expect(response.body.message, key).not.toMatch(/^No route/);
    }
    expect(await snapshotOfB()).toEqual(before);
  });
});
