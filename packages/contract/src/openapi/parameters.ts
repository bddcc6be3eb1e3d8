import type { AppRoute } from '@ts-rest/core';
import type { MediaTypeObject, OperationObject, ParameterObject } from 'openapi3-ts/oas31';
import { z } from 'zod';
import type { SchemaCollector } from './json-schema.ts';
import { isNoBody } from './traversal.ts';

function metaOf(schema: unknown): Record<string, unknown> | undefined {
  return schema instanceof z.ZodType ? z.globalRegistry.get(schema) : undefined;
}

/** The parameters of a `pathParams` or `query` object schema, one per property. */
export function parametersOf(
  schema: unknown,
  location: 'path' | 'query',
  collector: SchemaCollector,
): ParameterObject[] {
  if (!schema || isNoBody(schema)) return [];
  const json = collector.convert(schema as z.ZodType, 'input') as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** The path parameters of a route, then its query parameters (GET and DELETE: the others take a body). */
export function routeParametersOf(route: AppRoute, collector: SchemaCollector): ParameterObject[] {
  return [
    ...parametersOf(route.pathParams, 'path', collector),
    ...(route.method === 'GET' || route.method === 'DELETE' ? parametersOf(route.query, 'query', collector) : []),
  ];
}

/** `if-none-match` → `If-None-Match`: a header name in its usual case (ts-rest's keys are lowercase). */
export function headerNameOf(key: string): string {
  return key.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);
}

/**
 * The header parameters of the request headers a route declares (ts-rest's `headers`, a record of
 * schemas): each with its description and example, required unless its schema takes `undefined`.
 */
export function headerParametersOf(route: AppRoute, collector: SchemaCollector): ParameterObject[] {
  const headers = route.headers;
  if (!headers || typeof headers !== 'object' || headers instanceof z.ZodType) return [];
  return Object.entries(headers as Record<string, unknown>).flatMap(([key, schema]) => {
    if (!(schema instanceof z.ZodType)) return [];
    const { description, example, ...rest } = collector.convert(schema, 'input');
    return [
      {
        name: headerNameOf(key),
        in: 'header',
        required: !schema.safeParse(undefined).success,
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
        ...(example === undefined ? {} : { example }),
      } satisfies ParameterObject,
    ];
  });
}

function contentTypeOf(route: AppRoute): string {
  return ('contentType' in route ? route.contentType : undefined) ?? 'application/json';
}

function hasJsonBody(route: AppRoute): boolean {
  return 'body' in route && Boolean(route.body) && !isNoBody(route.body) && contentTypeOf(route) === 'application/json';
}

/** The request body of a mutation, with its example; `undefined` for routes that take none. */
export function requestBodyOf(route: AppRoute, collector: SchemaCollector): OperationObject['requestBody'] {
  if (!('body' in route) || !route.body || isNoBody(route.body)) return undefined;
  const body = route.body as z.ZodType;
  // An optional body (`Schema.optional()`) carries its example on the schema it wraps.
  const example = metaOf(body)?.example ?? (body instanceof z.ZodOptional ? metaOf(body.unwrap())?.example : undefined);
  const media: MediaTypeObject = {
    schema: collector.convert(body, 'input'),
    ...(example === undefined ? {} : { example }),
  };
  // An optional body: the operation works without one.
  const required = !body.safeParse(undefined).success;
  return { required, content: { [contentTypeOf(route)]: media } };
}

/** The properties of a route's JSON object body; none for other bodies. */
export function bodyFieldsOf(route: AppRoute): string[] {
  if (!hasJsonBody(route) || !('body' in route) || !(route.body instanceof z.ZodObject)) return [];
  return Object.keys(route.body.shape);
}
