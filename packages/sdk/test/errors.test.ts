import { beforeAll, describe, expect, it } from 'vitest';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  Realmkit,
  RealmkitError,
  UnprocessableEntityError,
} from '../src/index.ts';
import { baseUrl, createRealm } from './support/realmkit.ts';

let realm: string;
let rk: Realmkit;

beforeAll(async () => {
  ({ name: realm, admin: rk } = await createRealm('sdk-errors'));
});

/** The error a call rejects with, checked to be an SDK API error with a request id. */
async function apiErrorOf(call: PromiseLike<unknown>): Promise<APIError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(APIError);
  expect(error).toBeInstanceOf(RealmkitError);
  expect(error).toBeInstanceOf(Error);
  const apiError = error as APIError;
  expect(apiError.requestId).toEqual(expect.any(String));
  expect(apiError.requestId).toBe(apiError.headers.get('x-request-id'));
  expect(apiError.message).toEqual(expect.any(String));
  expect(apiError.message.length).toBeGreaterThan(0);
  return apiError;
}

describe('typed errors', () => {
  it('400 BadRequestError names the invalid field', async () => {
    const error = await apiErrorOf(rk.users.create({ email: 'not-an-email' } as never));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ name: 'BadRequestError', status: 400, error: 'invalid_request' });
    expect(error.details).toEqual([{ path: 'email', message: expect.any(String) }]);

    const unknownField = await apiErrorOf(rk.roles.create({ name: 'x', color: 'red' } as never));
    expect(unknownField).toBeInstanceOf(BadRequestError);
    expect(unknownField.details).toEqual([{ path: 'color', message: 'Unknown field' }]);
  });

  it('401 AuthenticationError for a token the API refuses', async () => {
    const garbage = new Realmkit({
      baseUrl,
      realm,
      tokenSource: { getToken: () => Promise.resolve('not-a-token'), invalidate: () => {} },
    });
    const error = await apiErrorOf(garbage.users.list());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ name: 'AuthenticationError', status: 401, error: 'invalid_token' });
    expect(error.details).toBeUndefined();
  });

  it('403 PermissionDeniedError for a token without the scope', async () => {
    const management = (await rk.resources.list()).data[0]!;
    const usersRead = (await rk.resources.scopes.list(management.id, { search: 'users:read' })).data[0]!;
    expect(usersRead.name).toBe('users:read');
    const role = await rk.roles.create({ name: 'reader' });
    await rk.roles.scopes.assign(role.id, [usersRead.id]);
    const app = await rk.applications.create({ name: 'reader app', type: 'm2m' });
    await rk.applications.roles.assign(app.id, [role.id]);
    const reader = new Realmkit({ baseUrl, realm, clientId: app.client_id, clientSecret: app.client_secret! });

    await expect(reader.users.list()).resolves.toMatchObject({ meta: { current_page: 1 } });
    const error = await apiErrorOf(reader.users.create({ email: 'denied@example.com' }));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ name: 'PermissionDeniedError', status: 403, error: 'insufficient_scope' });
    expect(error.message).toContain('users:write');
  });

  it('404 NotFoundError for an unknown id', async () => {
    const error = await apiErrorOf(rk.roles.get('0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ name: 'NotFoundError', status: 404, error: 'not_found', message: 'Role not found' });
  });

  it('409 ConflictError for a taken email, with details', async () => {
    await rk.users.create({ email: 'taken@example.com' });
    const error = await apiErrorOf(rk.users.create({ email: 'Taken@Example.com' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ name: 'ConflictError', status: 409, error: 'conflict' });
    expect(error.details).toEqual([{ path: 'email', message: expect.any(String) }]);
  });

  it('422 UnprocessableEntityError for a weak password, with details', async () => {
    const error = await apiErrorOf(rk.users.create({ email: 'weak@example.com', password: 'short' }));
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error).toMatchObject({ name: 'UnprocessableEntityError', status: 422, error: 'validation_failed' });
    expect(error.details).toEqual([{ path: 'password', message: expect.any(String) }]);
    // Nothing was created.
    expect((await rk.users.list({ search: 'weak@example.com' })).meta.total).toBe(0);
  });
});
