import { initContract } from '@ts-rest/core';
import { describe, expect, it } from 'vitest';
import { isNoBody, itemOf, operationIdOf, subjectOf, toOpenApiPath, walk } from '../src/openapi/traversal.ts';
import { sample } from './support/sample-contract.ts';

const c = initContract();

describe('walk', () => {
  it('yields every route of nested routers, depth first, in the order of the contract, with its key', () => {
    const keys = [...walk(sample)].map(({ key }) => key.join('.'));
    expect(keys).toEqual([
      'widgets.list',
      'widgets.create',
      'widgets.update',
      'widgets.delete',
      'oauth.token',
      'oauth.jwks',
    ]);
    const [first] = walk(sample);
    expect(first?.route.path).toBe('/api/v1/:realm/widgets');
  });

  it('yields nothing for an empty router', () => {
    expect([...walk({})]).toEqual([]);
  });
});

describe('paths and operation ids', () => {
  it('writes ts-rest path parameters as OpenAPI templates', () => {
    expect(toOpenApiPath('/api/v1/:realm/users/:id/roles/:roleId')).toBe('/api/v1/{realm}/users/{id}/roles/{roleId}');
    expect(toOpenApiPath('/healthz')).toBe('/healthz');
  });

  it('joins the route key with underscores', () => {
    expect(operationIdOf(['users', 'setPassword'])).toBe('users_setPassword');
  });

  it("recognizes ts-rest's noBody", () => {
    expect(isNoBody(c.noBody())).toBe(true);
    expect(isNoBody(undefined)).toBe(false);
    expect(isNoBody({})).toBe(false);
  });
});

describe('itemOf and subjectOf', () => {
  it('name the item a path addresses last, in the singular, ignoring {realm}', () => {
    expect(itemOf('/api/v1/{realm}/users/{id}')).toBe('user');
    expect(itemOf('/api/v1/{realm}/users/{id}/roles/{roleId}')).toBe('role');
    expect(itemOf('/api/v1/{realm}/users/{id}/identities')).toBe('user');
    expect(itemOf('/api/v1/realms/{realm}')).toBeUndefined();
    expect(itemOf('/api/v1/{realm}/users')).toBeUndefined();
  });

  it('name what a write creates or changes: the collection it posts to, else its item', () => {
    expect(subjectOf('/api/v1/{realm}/users')).toBe('user');
    expect(subjectOf('/api/v1/{realm}/resources/{id}/scopes')).toBe('scope');
    expect(subjectOf('/api/v1/{realm}/roles/{id}')).toBe('role');
    expect(subjectOf('/api/v1/realms')).toBe('realm');
  });
});
