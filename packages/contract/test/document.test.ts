import { describe, expect, it } from 'vitest';
import { documentOf, generateOpenApi, SECURITY_SCHEME } from '../src/openapi/document.ts';
import { sample } from './support/sample-contract.ts';

const document = documentOf(sample, { serverUrl: 'https://auth.example.com', version: '1.2.3' });

describe('documentOf', () => {
  it('is an OpenAPI 3.1 document of the version and server given', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe('1.2.3');
    expect(document.servers).toEqual([{ url: 'https://auth.example.com', description: 'This Realmkit server' }]);
    expect(generateOpenApi().servers?.[0]?.url).toBe('/');
  });

  it('writes one operation per route, under its OpenAPI path and method, with its operationId', () => {
    expect(Object.keys(document.paths ?? {})).toEqual([
      '/api/v1/{realm}/widgets',
      '/api/v1/{realm}/widgets/{id}',
      '/oauth2/{realm}/token',
      '/oauth2/{realm}/jwks',
    ]);
    expect(document.paths?.['/api/v1/{realm}/widgets/{id}']?.patch?.operationId).toBe('widgets_update');
    expect(
      document.paths?.['/api/v1/{realm}/widgets']?.get?.parameters?.map((p) => ('name' in p ? p.name : '')),
    ).toEqual(['realm', 'page', 'per_page', 'search', 'If-None-Match']);
  });

  it("states each route's scope as its security requirement, and public routes' as none", () => {
    const update = document.paths?.['/api/v1/{realm}/widgets/{id}']?.patch;
    expect(update?.security).toEqual([{ [SECURITY_SCHEME]: ['roles:write'] }]);
    expect(update?.['x-required-scope']).toBe('roles:write');
    expect(update?.['x-master-realm-only']).toBe(true);
    expect(document.paths?.['/oauth2/{realm}/token']?.post?.security).toEqual([]);
    expect(document.paths?.['/oauth2/{realm}/token']?.post?.['x-required-scope']).toBeUndefined();
  });

  it('lists the tags in the order of the routes, and the components the operations use', () => {
    expect(document.tags?.map(({ name }) => name)).toEqual(['Widgets', 'OAuth 2.0']);
    expect(document.tags?.[1]?.description).toBeTruthy();
    expect(Object.keys(document.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(['Widget', 'CreateWidget', 'Error', 'OAuthError', 'TokenRequest']),
    );
    expect(Object.keys(document.components?.headers ?? {})).toEqual([
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'RateLimit-Policy',
      'Retry-After',
    ]);
  });
});
