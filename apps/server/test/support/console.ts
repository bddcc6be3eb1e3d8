import { randomBytes } from 'node:crypto';
import { REALM_MANAGEMENT_SCOPES } from '@realmkit/contract';
import type { TestServer } from './test-server.ts';

export interface RealmAdmin {
  id: string;
  email: string;
  username: string;
  password: string;
  roleId: string;
}

/**
 * A user of `realm` holding a role with `scopes` of the realm's Management API (all of them by
 * default): someone who signs in to the realm's console. Made through the Management API.
 */
export async function createRealmAdmin(
  server: TestServer,
  token: string,
  realm: string,
  scopes: readonly string[] = REALM_MANAGEMENT_SCOPES,
): Promise<RealmAdmin> {
  const api = `/api/v1/${realm}`;
  const suffix = randomBytes(4).toString('hex');
  const [management] = (await server.expectCall(200, 'GET', `${api}/resources?search=Management%20API`, {
    token,
  })) as { id: string; is_management_api: boolean }[];
  if (!management?.is_management_api) throw new Error(`realm ${realm} has no Management API resource`);
  const known = (await server.expectCall(200, 'GET', `${api}/resources/${management.id}/scopes?per_page=100`, {
    token,
  })) as { id: string; name: string }[];
  const role = await server.expectCall(201, 'POST', `${api}/roles`, { token, json: { name: `console-${suffix}` } });
  await server.expectCall(204, 'POST', `${api}/roles/${role.id}/scopes`, {
    token,
    json: { scope_ids: known.filter((scope) => scopes.includes(scope.name)).map((scope) => scope.id) },
  });
  const password = `console admin ${suffix}`;
  const user = await server.expectCall(201, 'POST', `${api}/users`, {
    token,
    json: { email: `admin-${suffix}@example.com`, username: `admin-${suffix}`, password, email_verified: true },
  });
  await server.expectCall(204, 'POST', `${api}/users/${user.id}/roles`, { token, json: { role_ids: [role.id] } });
  return { id: user.id, email: user.email, username: user.username, password, roleId: role.id };
}
