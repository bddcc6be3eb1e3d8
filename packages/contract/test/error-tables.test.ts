import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, UNKNOWN_FIELD } from '../src/common/error-messages.ts';
import { API_ERROR_CODES, API_ERRORS, ERROR_CODES, ErrorBody } from '../src/common/errors.ts';
import { MAX_BODY_SIZE } from '../src/common/limits.ts';
import { OAuthErrorBody } from '../src/oauth/oauth.schemas.ts';
import { OAUTH_ERROR_CODES, OAUTH_ERRORS } from '../src/oauth/oauth-errors.ts';

describe('API_ERRORS', () => {
  it("gives each status's default code (ERROR_CODES) that status", () => {
    for (const [status, code] of Object.entries(ERROR_CODES)) expect(API_ERRORS[code].status).toBe(Number(status));
  });

  it('is what ErrorBody.error takes, and nothing else', () => {
    expect(ErrorBody.shape.error.options).toEqual(API_ERROR_CODES);
    expect(ErrorBody.safeParse({ error: 'read_only', message: 'm' }).success).toBe(true);
    expect(ErrorBody.safeParse({ error: 'made_up', message: 'm' }).success).toBe(false);
  });

  it('says what the codes mean, the body size limit included', () => {
    for (const code of API_ERROR_CODES) expect(API_ERRORS[code].description, code).toMatch(/\.$/);
    expect(API_ERRORS.payload_too_large.description).toContain(MAX_BODY_SIZE);
  });
});

describe('OAUTH_ERRORS', () => {
  it('gives the statuses of RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 9449 §5, and 429 to rate_limited', () => {
    expect(Object.fromEntries(OAUTH_ERROR_CODES.map((code) => [code, OAUTH_ERRORS[code].status]))).toEqual({
      invalid_request: 400,
      invalid_client: 401,
      invalid_grant: 400,
      unauthorized_client: 400,
      unsupported_grant_type: 400,
      unsupported_response_type: 400,
      login_required: 400,
      interaction_required: 400,
      invalid_token: 401,
      insufficient_scope: 403,
      invalid_scope: 400,
      invalid_target: 400,
      invalid_dpop_proof: 400,
      use_dpop_nonce: 400,
      rate_limited: 429,
      server_error: 500,
    });
  });

  it('is what OAuthErrorBody.error takes', () => {
    expect(OAuthErrorBody.shape.error.options).toEqual(OAUTH_ERROR_CODES);
  });
});

describe('ERROR_MESSAGES', () => {
  it('words a validation failure as the server sends it: the unknown fields, else every detail', () => {
    expect(ERROR_MESSAGES.invalidRequest(['request body'], [{ path: 'nickname', message: UNKNOWN_FIELD }])).toBe(
      'Invalid request body: unknown field "nickname"',
    );
    expect(
      ERROR_MESSAGES.invalidRequest(
        ['path parameters', 'request body'],
        [
          { path: 'id', message: 'Invalid UUID' },
          { path: 'email', message: 'Invalid email address' },
        ],
      ),
    ).toBe('Invalid path parameters and request body: id: Invalid UUID; email: Invalid email address');
  });

  it('writes the body size limit into the 413', () => {
    expect(ERROR_MESSAGES.bodyTooLarge).toBe(`Request body is larger than ${MAX_BODY_SIZE}`);
    expect(MAX_BODY_SIZE).toBe('100 kB');
  });
});
