import { randomBytes } from 'node:crypto';
import { CONSOLE_APPLICATION, REALM_API_PATH, REALM_MANAGEMENT_SCOPES, realmPath } from '@realmkit/contract';
import { TEST_ISSUER_URL } from './constants.ts';
import { CookieJar, pkce, submitLogin } from './sign-in.ts';
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

/**
 * Signs `admin` in through the console application of `realm` (login page, code, PKCE), as the
 * console does: its access token for the realm's Management API.
 */
export async function consoleToken(
  server: TestServer,
  realm: string,
  admin: { username: string; password: string },
): Promise<string> {
  const { verifier, challenge } = pkce();
  const clientId = CONSOLE_APPLICATION.clientId(realm);
  const redirectUri = CONSOLE_APPLICATION.redirectUri(TEST_ISSUER_URL, realm);
  const resource = `${TEST_ISSUER_URL}${realmPath(REALM_API_PATH, realm)}`;
  const authorize = new URL(`${server.url}/oauth2/${realm}/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid profile offline_access',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'console-state',
    resource,
  }).toString();
  const login = await submitLogin(new CookieJar(), server.url, authorize.href, {
    identifier: admin.username,
    password: admin.password,
  });
  if (login.status !== 303) throw new Error(`sign-in answered ${login.status}`);
  const code = new URL(login.headers.get('location') as string).searchParams.get('code') as string;
  const tokens = await server.call('POST', `/oauth2/${realm}/token`, {
    form: {
      grant_type: 'authorization_code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code,
      code_verifier: verifier,
      resource,
    },
  });
  if (tokens.status !== 200) throw new Error(`code exchange answered ${tokens.status} ${JSON.stringify(tokens.body)}`);
  return tokens.body.access_token;
}
