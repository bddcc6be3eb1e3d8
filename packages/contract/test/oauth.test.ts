import { describe, expect, it } from 'vitest';
import { OAUTH_ERRORS } from '../src/oauth/oauth-errors.ts';
import { routeFactsOf } from '../src/openapi/document.ts';
import { SchemaCollector } from '../src/openapi/json-schema.ts';
import { oauthErrorResponseOf } from '../src/openapi/oauth.ts';
import { sample } from './support/sample-contract.ts';

const facts = routeFactsOf(sample.oauth.token, new SchemaCollector());

/** The codes of a response's named examples. */
function codesOf(status: number): string[] {
  const response = oauthErrorResponseOf(status, facts, new SchemaCollector());
  return Object.keys(response.content?.['application/json']?.examples ?? {});
}

describe('oauthErrorResponseOf', () => {
  it("lists, of the codes the route's metadata names, those that answer with the status", () => {
    expect(codesOf(400)).toEqual(['invalid_request', 'invalid_scope']);
    expect(codesOf(401)).toEqual(['invalid_client']);
    expect(codesOf(429)).toEqual(['rate_limited']);
    expect(codesOf(500)).toEqual([]);
  });

  it("gives each code an example whose error_description (and message) is the table's description", () => {
    const response = oauthErrorResponseOf(400, facts, new SchemaCollector());
    const media = response.content?.['application/json'];
    expect(media?.schema).toEqual({ $ref: '#/components/schemas/OAuthError' });
    expect(media?.examples?.invalid_scope).toEqual({
      summary: 'invalid_scope',
      value: {
        error: 'invalid_scope',
        error_description: OAUTH_ERRORS.invalid_scope.description,
        message: OAUTH_ERRORS.invalid_scope.description,
      },
    });
    expect(response.description).toContain('`invalid_request`, `invalid_scope`');
  });

  it('gives 401 `WWW-Authenticate: Basic`, and 429 Retry-After and the rate-limit headers', () => {
    const headers = (status: number) =>
      Object.keys(oauthErrorResponseOf(status, facts, new SchemaCollector()).headers ?? {});
    expect(headers(401)).toEqual(['WWW-Authenticate']);
    expect(headers(429)).toEqual(expect.arrayContaining(['Retry-After', 'RateLimit-Limit', 'RateLimit-Policy']));
    expect(headers(400)).toEqual([]);
  });

  it('refuses a route that answers OAuthErrorBody without listing its codes', () => {
    const unlisted = routeFactsOf({ ...sample.oauth.token, metadata: { tag: 'OAuth 2.0' } }, new SchemaCollector());
    expect(() => oauthErrorResponseOf(400, unlisted, new SchemaCollector())).toThrow(/oauthErrors/);
  });
});
