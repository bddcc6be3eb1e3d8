import { initContract } from '@ts-rest/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IDEMPOTENCY_KEY_MAX_LENGTH, MAX_PER_PAGE, MAX_REALM_REF_LENGTH } from '../src/common/limits.ts';
import { ListQuery } from '../src/common/pagination.ts';
import { RealmIdPathParams } from '../src/common/primitives.ts';
import { SchemaCollector } from '../src/openapi/json-schema.ts';
import {
  bodyFieldsOf,
  headerNameOf,
  headerParametersOf,
  parametersOf,
  requestBodyOf,
  routeParametersOf,
} from '../src/openapi/parameters.ts';
import { CreateWidgetBody, sample } from './support/sample-contract.ts';

const c = initContract();
const collector = () => new SchemaCollector();

describe('parametersOf', () => {
  it('writes one path parameter per property, every one required, its description beside its schema', () => {
    const [realm, id] = parametersOf(RealmIdPathParams, 'path', collector());
    expect(realm).toEqual({
      name: 'realm',
      in: 'path',
      required: true,
      description: "The realm's UUID or its name.",
      schema: { type: 'string', minLength: 1, maxLength: MAX_REALM_REF_LENGTH, example: 'master' },
    });
    expect(id).toMatchObject({ name: 'id', in: 'path', required: true, schema: { format: 'uuid' } });
  });

  it('writes query parameters as the request takes them: with a default or optional, they are not required', () => {
    const parameters = parametersOf(ListQuery, 'query', collector());
    expect(parameters.map(({ name, required }) => [name, required])).toEqual([
      ['page', false],
      ['per_page', false],
      ['search', false],
    ]);
    expect(parameters[1]?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: MAX_PER_PAGE });
  });

  it('writes none for no schema or noBody', () => {
    expect(parametersOf(undefined, 'query', collector())).toEqual([]);
    expect(parametersOf(c.noBody(), 'query', collector())).toEqual([]);
  });
});

describe('routeParametersOf', () => {
  it('writes the path parameters, then the query of a GET or DELETE (other methods take a body)', () => {
    const names = (route: Parameters<typeof routeParametersOf>[0]) =>
      routeParametersOf(route, collector()).map(({ name, in: where }) => `${where}:${name}`);
    expect(names(sample.widgets.list)).toEqual(['path:realm', 'query:page', 'query:per_page', 'query:search']);
    expect(names(sample.widgets.create)).toEqual(['path:realm']);
    expect(names({ ...sample.widgets.create, query: ListQuery })).toEqual(['path:realm']);
  });
});

describe('header parameters', () => {
  it('write ts-rest header keys in their usual case', () => {
    expect(headerNameOf('if-none-match')).toBe('If-None-Match');
    expect(headerNameOf('idempotency-key')).toBe('Idempotency-Key');
    expect(headerNameOf('accept')).toBe('Accept');
  });

  it('are the headers the route declares, in its order, with their description and example', () => {
    const [ifNoneMatch, ...others] = headerParametersOf(sample.widgets.list, collector());
    expect(others).toEqual([]);
    expect(ifNoneMatch).toEqual({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: expect.stringContaining('304'),
      schema: { type: 'string' },
      example: '"kW7d1Oq5gkq0q7B1yH5bXw"',
    });
    const names = (route: Parameters<typeof headerParametersOf>[0]) =>
      headerParametersOf(route, collector()).map(({ name }) => name);
    expect(names(sample.widgets.update)).toEqual(['If-Match', 'If-None-Match']);
    expect(names(sample.widgets.create)).toEqual(['Idempotency-Key']);
    expect(names(sample.widgets.delete)).toEqual([]);
    expect(names(sample.oauth.token)).toEqual([]);
  });

  it("carry the limits of a schema's metadata, and are required when the schema does not take undefined", () => {
    const [key] = headerParametersOf(sample.widgets.create, collector());
    expect(key?.schema).toEqual({ type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH });
    const route = { ...sample.widgets.delete, headers: { 'x-api-version': z.string().meta({ example: '2' }) } };
    expect(headerParametersOf(route, collector())).toEqual([
      { name: 'X-Api-Version', in: 'header', required: true, schema: { type: 'string' }, example: '2' },
    ]);
  });
});

describe('requestBodyOf', () => {
  it('writes a JSON body with its schema (hoisted) and example, required', () => {
    const components = collector();
    expect(requestBodyOf(sample.widgets.create, components)).toEqual({
      required: true,
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/CreateWidget' }, example: { name: 'gear' } },
      },
    });
    expect(components.components.CreateWidget).toMatchObject({ additionalProperties: false });
  });

  it("writes a form body under its content type, and an optional body as not required, with the wrapped schema's example", () => {
    expect(requestBodyOf(sample.oauth.token, collector())).toMatchObject({
      required: true,
      content: { 'application/x-www-form-urlencoded': { example: { grant_type: 'client_credentials' } } },
    });
    const optional = { ...sample.widgets.create, body: CreateWidgetBody.optional() };
    expect(requestBodyOf(optional, collector())).toMatchObject({
      required: false,
      content: { 'application/json': { example: { name: 'gear' } } },
    });
  });

  it('writes none for a route without a body', () => {
    expect(requestBodyOf(sample.widgets.delete, collector())).toBeUndefined();
    expect(requestBodyOf(sample.widgets.list, collector())).toBeUndefined();
  });
});

describe('bodyFieldsOf', () => {
  it('lists the properties of a JSON object body, and nothing for forms and other bodies', () => {
    expect(bodyFieldsOf(sample.widgets.create)).toEqual(['name', 'email']);
    expect(bodyFieldsOf(sample.oauth.token)).toEqual([]);
    expect(bodyFieldsOf(sample.widgets.delete)).toEqual([]);
    expect(bodyFieldsOf({ ...sample.widgets.create, body: CreateWidgetBody.optional() })).toEqual([]);
  });
});
