import { API_ERROR_CODES, API_ERRORS, OAUTH_ERROR_CODES, OAUTH_ERRORS } from '@realmkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeProblem } from './support/error-codes.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

describe("the check that every error code the server sends is in the contract's tables", () => {
  it('passes the codes of API_ERRORS and OAUTH_ERRORS with their statuses, and successes', () => {
    for (const code of API_ERROR_CODES) {
      expect(errorCodeProblem(API_ERRORS[code].status, { error: code, message: 'm' }), code).toBeUndefined();
    }
    for (const code of OAUTH_ERROR_CODES) {
      const body = { error: code, error_description: 'd', message: 'd' };
      expect(errorCodeProblem(OAUTH_ERRORS[code].status, body), code).toBeUndefined();
    }
    expect(errorCodeProblem(200, { error: 'anything' })).toBeUndefined();
  });

  it('refuses a code outside the tables, or with another status than its own', () => {
    expect(errorCodeProblem(400, { error: 'bad_thing', message: 'm' })).toMatch(/not in the contract's API_ERRORS/);
    expect(errorCodeProblem(400, { error: 'not_found', message: 'm' })).toMatch(/gives it 404/);
    // An RFC 6749 body is checked against the OAuth table, not the API's.
    expect(errorCodeProblem(401, { error: 'invalid_dpop_proof', error_description: 'd' })).toMatch(/OAUTH_ERRORS/);
    expect(errorCodeProblem(400, { error: 'invalid_client', error_description: 'd' })).toMatch(/gives it 401/);
    expect(errorCodeProblem(404, { error: 'toString', message: 'm' })).toMatch(/not in the contract's API_ERRORS/);
  });
});

describe('error codes of the layers in front of the routes', () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.masterToken();
  });
  afterAll(() => server?.close());

  // TestServer.call fails on a code outside the tables: each of these answers before any route's handler.
  const json = { 'content-type': 'application/json' };
  it.each([
    { what: 'an unknown route', status: 404, code: 'not_found', send: () => server.call('GET', '/api/v1/nothing') },
    { what: 'no bearer token', status: 401, code: 'invalid_token', send: () => server.call('GET', '/api/v1/realms') },
    {
      what: 'a body that is not JSON',
      status: 415,
      code: 'unsupported_media_type',
      send: () => server.call('POST', '/api/v1/realms', { token: admin, rawBody: 'name=x' }),
    },
    {
      what: 'malformed JSON',
      status: 400,
      code: 'invalid_request',
      send: () => server.call('POST', '/api/v1/realms', { token: admin, rawBody: '{', headers: json }),
    },
    {
      what: 'a token request without grant_type',
      status: 400,
      code: 'invalid_request',
      send: () => server.call('POST', '/oauth2/master/token', { form: {} }),
    },
  ])('$what: $status $code', async ({ status, code, send }) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(code);
  });
});
