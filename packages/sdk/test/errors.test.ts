import { randomUUID } from 'node:crypto';
import { MAX_BODY_BYTES } from '@realmkit/contract';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  APIError,
  type APIErrorCode,
  AuthenticationError,
  BadRequestError,
  ClientCredentials,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  type RateLimitError,
  Realmkit,
  RealmkitError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
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

describe('error codes, typed by the contract', () => {
  it("types each class's code as the codes the contract documents for its status", () => {
    expectTypeOf<ConflictError['code']>().toEqualTypeOf<'conflict' | 'idempotency_key_in_progress' | 'http_409'>();
    expectTypeOf<NotFoundError['code']>().toEqualTypeOf<'not_found' | 'http_404'>();
    expectTypeOf<UnprocessableEntityError['code']>().toEqualTypeOf<
      'validation_failed' | 'invalid_credentials' | 'read_only' | 'idempotency_key_reused' | 'http_422'
    >();
    // The token endpoint's RFC 6749 codes too: the SDK gets its token there. And RFC 9449's at a resource.
    expectTypeOf<AuthenticationError['code']>().toEqualTypeOf<
      'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_client' | 'http_401'
    >();
    expectTypeOf<RateLimitError['code']>().toEqualTypeOf<'rate_limited' | 'http_429'>();
    expectTypeOf<BadRequestError['code']>().toExtend<APIErrorCode>();
    expectTypeOf<'invalid_scope' | 'invalid_grant' | 'invalid_request'>().toExtend<BadRequestError['code']>();
    expectTypeOf<'internal_error' | 'service_unavailable' | 'server_error' | 'http_502'>().toExtend<
      InternalServerError['code']
    >();

    const checks = (conflict: ConflictError, notFound: NotFoundError, error: APIError) => [
      conflict.code === 'conflict',
      // @ts-expect-error: no 409 of the contract has this code
      conflict.code === 'email_taken',
      // @ts-expect-error: a code of another status (404)
      conflict.code === 'not_found',
      // @ts-expect-error: a code of another status (409)
      notFound.code === 'conflict',
      // @ts-expect-error: no code of the contract at all
      error.code === 'user_not_found',
    ];
    expect(checks).toBeTypeOf('function');
  });

  it("a real server's 404, 409 and 422 are the status's class with the body's code", async () => {
    const notFound = await apiErrorOf(rk.users.get('0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20'));
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound).toMatchObject({ code: 'not_found', error: 'not_found' });

    await rk.users.create({ email: 'coded@example.com' });
    const taken = await rk.users.create({ email: 'coded@example.com' }).catch((e: unknown) => e);
    if (!(taken instanceof ConflictError)) throw new Error(`expected a ConflictError, got ${taken}`);
    expect(taken.code).toBe('conflict');

    const weak = await apiErrorOf(rk.users.create({ email: 'coded-weak@example.com', password: 'short' }));
    expect(weak).toBeInstanceOf(UnprocessableEntityError);
    expect(weak.code).toBe('validation_failed');

    // Another code of the same status: a key reused with another body.
    const idempotencyKey = randomUUID();
    await rk.roles.create({ name: 'coded-a' }, { idempotencyKey });
    const reused = await apiErrorOf(rk.roles.create({ name: 'coded-b' }, { idempotencyKey }));
    expect(reused).toBeInstanceOf(UnprocessableEntityError);
    expect(reused).toMatchObject({ code: 'idempotency_key_reused', status: 422 });
  });

  it('413 and 415 have their classes and codes too', async () => {
    const tooLarge = await apiErrorOf(
      rk.users.create({ email: 'large@example.com', name: 'x'.repeat(MAX_BODY_BYTES + 1) }),
    );
    expect(tooLarge).toBeInstanceOf(PayloadTooLargeError);
    expect(tooLarge).toMatchObject({ status: 413, code: 'payload_too_large' });

    const notJson = await apiErrorOf(
      rk.users.create({ email: 'text@example.com' }, { headers: { 'content-type': 'text/plain' } }),
    );
    expect(notJson).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(notJson).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it("the token endpoint's RFC 6749 code, and http_<status> for a body without one", async () => {
    const refused = await new ClientCredentials({ baseUrl, realm, clientId: 'no-such-client', clientSecret: 'x' })
      .getToken()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toMatchObject({ status: 401, code: 'invalid_client' });

    const html = APIError.from(502, '<html>Bad gateway</html>', new Headers());
    expect(html).toBeInstanceOf(InternalServerError);
    expect(html).toMatchObject({ status: 502, code: 'http_502' });
  });
});
