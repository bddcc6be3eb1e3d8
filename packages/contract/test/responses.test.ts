import { describe, expect, it } from 'vitest';
import { routeFactsOf } from '../src/openapi/document.ts';
import { SchemaCollector } from '../src/openapi/json-schema.ts';
import { responsesOf } from '../src/openapi/responses.ts';
import { sample } from './support/sample-contract.ts';

const responsesOfRoute = (route: Parameters<typeof routeFactsOf>[0]) => {
  const collector = new SchemaCollector();
  return responsesOf(routeFactsOf(route, collector), collector);
};

describe('responsesOf', () => {
  it("writes the route's responses, its router's commonResponses and withMiddleware's, sorted, and 304 for a GET", () => {
    expect(Object.keys(responsesOfRoute(sample.widgets.list))).toEqual([
      '200',
      '304',
      '400',
      '401',
      '403',
      '404',
      '429',
      '503',
    ]);
    expect(Object.keys(responsesOfRoute(sample.widgets.create))).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
      '429',
      '503',
    ]);
    expect(Object.keys(responsesOfRoute(sample.widgets.update))).toContain('412');
    expect(Object.keys(responsesOfRoute(sample.oauth.jwks))).toEqual(['200', '304', '400', '404', '503']);
  });

  it('writes a success with its JSON schema, or without content for noBody, and the rate-limit headers when 429 is declared', () => {
    const list = responsesOfRoute(sample.widgets.list);
    expect(list['200']).toMatchObject({
      description: 'OK',
      content: { 'application/json': { schema: { type: 'object' } } },
      headers: { 'RateLimit-Limit': { $ref: '#/components/headers/RateLimit-Limit' }, ETag: expect.any(Object) },
    });
    expect(responsesOfRoute(sample.widgets.delete)['204']).toEqual({
      description: 'No Content',
      headers: expect.objectContaining({ 'RateLimit-Policy': expect.any(Object) }),
    });
    expect(responsesOfRoute(sample.oauth.jwks)['200']?.headers).toEqual({ ETag: expect.any(Object) });
  });

  it('writes Error responses by their status and RFC 6749 ones by their codes', () => {
    const token = responsesOfRoute(sample.oauth.token);
    expect(token['404']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(token['400']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/OAuthError' });
    expect(Object.keys(token)).toEqual(['200', '400', '401', '404', '429', '503']);
  });

  it("adds to an idempotent POST's responses what its Idempotency-Key brings", () => {
    const create = responsesOfRoute(sample.widgets.create);
    expect(create['201']?.headers?.['Idempotent-Replayed']).toBeDefined();
    expect(create['409']?.description).toContain('`idempotency_key_in_progress`');
    expect(create['409']?.headers?.['Retry-After']).toBeDefined();
    expect(create['422']?.description).toContain('`idempotency_key_reused`');
    expect(create['400']?.headers?.['Idempotent-Replayed']).toBeUndefined();
  });
});
