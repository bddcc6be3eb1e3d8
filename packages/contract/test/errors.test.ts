import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, UNKNOWN_FIELD } from '../src/common/error-messages.ts';
import { API_ERRORS, ERROR_CODES, type ErrorStatus } from '../src/common/errors.ts';
import { MAX_PER_PAGE, MAX_REALM_REF_LENGTH, READINESS_TIMEOUT_SECONDS } from '../src/common/limits.ts';
import { routeFactsOf } from '../src/openapi/document.ts';
import {
  errorExampleOf,
  errorHeadersOf,
  errorResponseOf,
  headerRefs,
  isRateLimited,
  RATE_LIMIT_HEADERS,
} from '../src/openapi/errors.ts';
import { SchemaCollector } from '../src/openapi/json-schema.ts';
import { sample } from './support/sample-contract.ts';

const factsOf = (route: Parameters<typeof routeFactsOf>[0]) => routeFactsOf(route, new SchemaCollector());
const { list, create, update, delete: remove } = sample.widgets;

describe('errorExampleOf', () => {
  it('gives every status the code ERROR_CODES gives it', () => {
    for (const status of Object.keys(ERROR_CODES).map(Number) as ErrorStatus[]) {
      expect(errorExampleOf(status, factsOf(update)).error).toBe(ERROR_CODES[status]);
    }
  });

  it("words a 400 as the server does, in zod's words from the route's own schemas", () => {
    expect(errorExampleOf(400, factsOf(create))).toEqual({
      error: 'invalid_request',
      message: ERROR_MESSAGES.invalidRequest(['request body'], [{ path: 'nickname', message: UNKNOWN_FIELD }]),
      details: [{ path: 'nickname', message: UNKNOWN_FIELD }],
    });
    expect(errorExampleOf(400, factsOf(remove))).toEqual({
      error: 'invalid_request',
      message: 'Invalid path parameters: id: Invalid UUID',
      details: [{ path: 'id', message: 'Invalid UUID' }],
    });
    expect(errorExampleOf(400, factsOf(list)).details).toEqual([
      { path: 'per_page', message: `Too big: expected number to be <=${MAX_PER_PAGE}` },
    ]);
    expect(errorExampleOf(400, factsOf(sample.oauth.jwks)).details).toEqual([
      { path: 'realm', message: `Too big: expected string to have <=${MAX_REALM_REF_LENGTH} characters` },
    ]);
  });

  it("shows the shared layers' messages, the route's scope, and the item its path names", () => {
    expect(errorExampleOf(401, factsOf(list)).message).toBe(ERROR_MESSAGES.missingBearerToken);
    expect(errorExampleOf(403, factsOf(list)).message).toBe(ERROR_MESSAGES.lacksScope('roles:read'));
    expect(errorExampleOf(404, factsOf(update)).message).toBe('Widget not found');
    expect(errorExampleOf(404, factsOf(list)).message).toBe('Realm acme not found');
    expect(errorExampleOf(412, factsOf(update)).message).toBe(ERROR_MESSAGES.ifMatchFailed);
    expect(errorExampleOf(413, factsOf(create)).message).toBe(ERROR_MESSAGES.bodyTooLarge);
    expect(errorExampleOf(415, factsOf(create)).message).toBe(ERROR_MESSAGES.notJson);
    expect(errorExampleOf(429, factsOf(list)).message).toBe(ERROR_MESSAGES.rateLimited(42));
    expect(errorExampleOf(503, factsOf(list)).message).toBe(ERROR_MESSAGES.databaseUnreachable);
  });

  it('names the unique field of a 409 when the body has one (`email` before `name`)', () => {
    expect(errorExampleOf(409, factsOf(create))).toEqual({
      error: 'conflict',
      message: 'A widget with this email already exists in this realm',
      details: [{ path: 'email', message: 'A widget with this email already exists in this realm' }],
    });
    expect(errorExampleOf(409, factsOf(remove)).details).toBeUndefined();
  });

  it("gives /readyz's 503 the failed check, with readiness' timeout", () => {
    const readyz = { ...list, path: '/readyz' };
    expect(errorExampleOf(503, factsOf(readyz))).toEqual({
      error: 'service_unavailable',
      message: ERROR_MESSAGES.notReady(['database']),
      details: [{ path: 'database', message: ERROR_MESSAGES.databaseTimeout(READINESS_TIMEOUT_SECONDS) }],
    });
  });
});

describe('errorHeadersOf', () => {
  it('gives 401 and 403 of a route with a scope their RFC 6750 WWW-Authenticate', () => {
    expect(errorHeadersOf(401, factsOf(list))?.['WWW-Authenticate']).toBeDefined();
    expect(errorHeadersOf(403, factsOf(list))?.['WWW-Authenticate']).toMatchObject({
      description: expect.stringContaining('scope="roles:read"'),
    });
    expect(errorHeadersOf(401, factsOf(sample.oauth.jwks))).toBeUndefined();
  });

  it('gives 429 Retry-After and the rate-limit headers, 503 Retry-After', () => {
    expect(errorHeadersOf(429, factsOf(list))).toEqual({
      'Retry-After': { $ref: '#/components/headers/Retry-After' },
      ...headerRefs(Object.keys(RATE_LIMIT_HEADERS)),
    });
    expect(errorHeadersOf(503, factsOf(list))).toEqual({ 'Retry-After': { $ref: '#/components/headers/Retry-After' } });
    expect(errorHeadersOf(404, factsOf(list))).toBeUndefined();
  });
});

describe('errorResponseOf', () => {
  it("describes a status by its code's meaning, with the Error schema and an example", () => {
    const collector = new SchemaCollector();
    const response = errorResponseOf(404, factsOf(list), collector);
    expect(response).toEqual({
      description: API_ERRORS.not_found.description,
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/Error' },
          example: { error: 'not_found', message: 'Realm acme not found' },
        },
      },
    });
    expect(collector.components.Error).toBeDefined();
  });

  it('says that a master-realm-only route refuses other tokens with 403', () => {
    expect(errorResponseOf(403, factsOf(update), new SchemaCollector()).description).toContain('master-realm');
    expect(errorResponseOf(403, factsOf(list), new SchemaCollector()).description).toBe(
      API_ERRORS.insufficient_scope.description,
    );
  });
});

describe('isRateLimited', () => {
  it('holds for the routes that declare 429', () => {
    expect(isRateLimited(list)).toBe(true);
    expect(isRateLimited(sample.oauth.token)).toBe(true);
    expect(isRateLimited(sample.oauth.jwks)).toBe(false);
  });
});
