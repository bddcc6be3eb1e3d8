// Realmkit through a client that another toolchain generated from the committed OpenAPI document:
// openapi-typescript turned packages/contract/openapi.json into src/schema.d.ts (`npm run
// generate`), and openapi-fetch makes typed calls from it. Nothing here imports Realmkit's own
// contract or SDK: paths, parameters, bodies, responses and errors are typed by the document only.
//
//   REALMKIT_URL=http://localhost:8080 REALMKIT_CLIENT_ID=... REALMKIT_CLIENT_SECRET=... \
//   npm start -w @realmkit/example-generated-client
//
// With a master-realm client it gets a token, creates a throwaway realm `generated-<random>`,
// creates, gets, lists, updates and deletes a user, creates a role and an m2m application, then
// deletes the realm. One `ok` line per call; exits non-zero at the first unexpected status or value.
import { randomBytes } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { components, paths } from './src/schema.d.ts';

const BASE_URL = (process.env.REALMKIT_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
const CLIENT_ID = process.env.REALMKIT_CLIENT_ID ?? '';
const CLIENT_SECRET = process.env.REALMKIT_CLIENT_SECRET ?? '';
if (!CLIENT_ID || !CLIENT_SECRET) {
  console.error('error: set REALMKIT_CLIENT_ID and REALMKIT_CLIENT_SECRET to a master-realm client');
  process.exit(2);
}

let passed = 0;
let current = '';

class StepFailed extends Error {}

function fail(message: string, body?: unknown): never {
  console.error(`FAIL ${current}: ${message}`);
  if (body !== undefined) console.error(`response body: ${JSON.stringify(body)}`);
  throw new StepFailed(message);
}

/** Fails the current step unless `actual` equals `expected`. */
function expectEqual<T>(what: string, actual: T, expected: T): void {
  if (actual !== expected) fail(`expected ${what} = ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/**
 * Awaits one openapi-fetch call and checks its HTTP status: prints `ok  <status> <step>` and
 * returns the call's result, whose `data` (2xx) or `error` (4xx) is typed from the document.
 */
async function call<R extends { response: Response; error?: unknown }>(
  expected: number,
  step: string,
  pending: Promise<R>,
): Promise<R> {
  current = step;
  let result: R;
  try {
    result = await pending;
  } catch (error) {
    fail(`could not reach ${BASE_URL}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (result.response.status !== expected) {
    fail(`expected status ${expected}, got ${result.response.status}`, result.error);
  }
  passed += 1;
  console.log(`ok  ${result.response.status} ${step}`);
  return result;
}

/** The `data` of a 2xx result; fails the step if openapi-fetch found none. */
function dataOf<T>(result: { data?: T }): T {
  if (result.data === undefined) fail('no response body');
  return result.data;
}

/**
 * The token endpoint takes application/x-www-form-urlencoded. The document says so, and the
 * generated type of the body is right (TokenRequest), but openapi-fetch serializes every body as
 * JSON unless told otherwise: the request gives its own serializer and Content-Type.
 */
function formBody(body: components['schemas']['TokenRequest']): string {
  const fields = Object.entries(body).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return new URLSearchParams(fields).toString();
}
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

const oauth = createClient<paths>({ baseUrl: BASE_URL });
const realmName = `generated-${randomBytes(4).toString('hex')}`;
let realmCreated = false;
let api = oauth;

async function walkthrough(): Promise<void> {
  // 1. A master-realm token (client_secret_post), as a form.
  const token = dataOf(
    await call(
      200,
      'POST /oauth2/{realm}/token (master, client_secret_post, form body)',
      oauth.POST('/oauth2/{realm}/token', {
        params: { path: { realm: 'master' } },
        body: { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
        bodySerializer: formBody,
        headers: FORM,
      }),
    ),
  );
  expectEqual('token_type', token.token_type, 'Bearer');
  api = createClient<paths>({ baseUrl: BASE_URL, headers: { Authorization: `Bearer ${token.access_token}` } });

  // 2. A throwaway realm.
  const realm = dataOf(
    await call(201, `POST /api/v1/realms (${realmName})`, api.POST('/api/v1/realms', { body: { name: realmName } })),
  ).data;
  realmCreated = true;
  expectEqual('realm name', realm.name, realmName);
  const inRealm = { realm: realm.name };

  // 3. A user: create, a duplicate (409, typed error), get, search, update, delete, get (404).
  const email = 'jane@example.com';
  const user = dataOf(
    await call(
      201,
      'POST /api/v1/{realm}/users',
      api.POST('/api/v1/{realm}/users', {
        params: { path: inRealm },
        body: { email, name: 'Jane Doe', password: 'securePassword123' },
      }),
    ),
  ).data;
  expectEqual('email', user.email, email);
  expectEqual('has_password', user.has_password, true);

  const duplicate = await call(
    409,
    'POST /api/v1/{realm}/users (same email, other case)',
    api.POST('/api/v1/{realm}/users', { params: { path: inRealm }, body: { email: 'JANE@example.com' } }),
  );
  expectEqual('error', duplicate.error?.error, 'conflict');

  const fetched = dataOf(
    await call(
      200,
      'GET /api/v1/{realm}/users/{id}',
      api.GET('/api/v1/{realm}/users/{id}', { params: { path: { ...inRealm, id: user.id } } }),
    ),
  ).data;
  expectEqual('id', fetched.id, user.id);
  expectEqual('name', fetched.name, 'Jane Doe');

  const page = dataOf(
    await call(
      200,
      'GET /api/v1/{realm}/users?search=jane&per_page=10',
      api.GET('/api/v1/{realm}/users', {
        params: { path: inRealm, query: { search: 'jane', per_page: 10 } },
      }),
    ),
  );
  expectEqual('meta.total', page.meta.total, 1);
  expectEqual('data.0.id', page.data[0]?.id, user.id);

  const updated = dataOf(
    await call(
      200,
      'PATCH /api/v1/{realm}/users/{id}',
      api.PATCH('/api/v1/{realm}/users/{id}', {
        params: { path: { ...inRealm, id: user.id } },
        body: { name: 'Jane Smith', given_name: 'Jane' },
      }),
    ),
  ).data;
  expectEqual('name', updated.name, 'Jane Smith');
  expectEqual('given_name', updated.given_name, 'Jane');

  await call(
    204,
    'DELETE /api/v1/{realm}/users/{id}',
    api.DELETE('/api/v1/{realm}/users/{id}', { params: { path: { ...inRealm, id: user.id } } }),
  );
  const gone = await call(
    404,
    'GET /api/v1/{realm}/users/{id} (deleted)',
    api.GET('/api/v1/{realm}/users/{id}', { params: { path: { ...inRealm, id: user.id } } }),
  );
  expectEqual('error', gone.error?.error, 'not_found');

  // 4. A role, and an m2m application (its secret only in this response) holding it.
  const role = dataOf(
    await call(
      201,
      'POST /api/v1/{realm}/roles',
      api.POST('/api/v1/{realm}/roles', {
        params: { path: inRealm },
        body: { name: 'editor', description: 'Can edit content' },
      }),
    ),
  ).data;
  expectEqual('role name', role.name, 'editor');

  const application = dataOf(
    await call(
      201,
      'POST /api/v1/{realm}/applications (m2m, no redirect_uris: the document gives a default)',
      api.POST('/api/v1/{realm}/applications', {
        params: { path: inRealm },
        body: { name: 'reporting job', type: 'm2m' },
      }),
    ),
  ).data;
  expectEqual('type', application.type, 'm2m');
  if (!application.client_secret) fail('no client_secret in the create response');

  await call(
    204,
    'POST /api/v1/{realm}/applications/{id}/roles',
    api.POST('/api/v1/{realm}/applications/{id}/roles', {
      params: { path: { ...inRealm, id: application.id } },
      body: { role_ids: [role.id] },
    }),
  );
  const roles = dataOf(
    await call(
      200,
      'GET /api/v1/{realm}/applications/{id}/roles',
      api.GET('/api/v1/{realm}/applications/{id}/roles', { params: { path: { ...inRealm, id: application.id } } }),
    ),
  );
  expectEqual('data.0.id', roles.data[0]?.id, role.id);

  // 5. The application's credentials at its realm's token endpoint: a wrong secret is refused
  //    with the OAuth error shape (typed as OAuthError).
  const refused = await call(
    401,
    'POST /oauth2/{realm}/token (the application, wrong secret)',
    oauth.POST('/oauth2/{realm}/token', {
      params: { path: inRealm },
      body: {
        grant_type: 'client_credentials',
        client_id: application.client_id,
        client_secret: `${application.client_secret}-wrong`,
      },
      bodySerializer: formBody,
      headers: FORM,
    }),
  );
  expectEqual('error', refused.error?.error, 'invalid_client');

  // 6. The realm goes, with everything in it.
  await call(
    204,
    'DELETE /api/v1/realms/{realm}',
    api.DELETE('/api/v1/realms/{realm}', { params: { path: { realm: realm.id } } }),
  );
  realmCreated = false;
  await call(
    404,
    'GET /api/v1/realms/{realm} (deleted)',
    api.GET('/api/v1/realms/{realm}', { params: { path: { realm: realm.id } } }),
  );
}

try {
  await walkthrough();
  console.log(`${passed} passed, 0 failed`);
} catch (error) {
  if (!(error instanceof StepFailed)) console.error(`FAIL ${current}: ${error instanceof Error ? error.stack : error}`);
  if (realmCreated) {
    await api.DELETE('/api/v1/realms/{realm}', { params: { path: { realm: realmName } } }).catch(() => undefined);
  }
  console.error(`${passed} passed, 1 failed`);
  process.exitCode = 1;
}
