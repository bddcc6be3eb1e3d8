import { type AppRoute, type AppRouter, isAppRoute } from '@ts-rest/core';
import type { OpenAPIObject, OperationObject, ParameterObject, PathsObject, ResponsesObject } from 'openapi3-ts/oas31';
import type { z } from 'zod';
import type { RouteMetadata } from '../common/metadata.ts';
import { MANAGEMENT_SCOPE_DESCRIPTIONS } from '../common/scopes.ts';
import { contract } from '../contract.ts';
import { SchemaCollector } from './json-schema.ts';

export const SECURITY_SCHEME = 'managementToken';

export interface OpenApiOptions {
  /** Public base URL of the server, e.g. `https://auth.example.com`. */
  serverUrl?: string;
  version?: string;
}

interface RouteEntry {
  key: string[];
  route: AppRoute;
}

function* walk(router: AppRouter, key: string[] = []): Generator<RouteEntry> {
  for (const [name, value] of Object.entries(router)) {
    if (isAppRoute(value)) yield { key: [...key, name], route: value };
    else yield* walk(value as AppRouter, [...key, name]);
  }
}

/** `/api/v1/:realm/users/:id` → `/api/v1/{realm}/users/{id}` */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** `['users', 'setPassword']` → `users_setPassword`: stable, and an identifier in every language. */
export function operationIdOf(key: string[]): string {
  return key.join('_');
}

function isNoBody(schema: unknown): boolean {
  return typeof schema === 'symbol';
}

function parametersOf(schema: unknown, location: 'path' | 'query', collector: SchemaCollector): ParameterObject[] {
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

function responsesOf(route: AppRoute, collector: SchemaCollector): ResponsesObject {
  const responses: ResponsesObject = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    const description = Number(status) < 400 ? 'Success' : 'Error';
    responses[status] = isNoBody(schema)
      ? { description: Number(status) === 204 ? 'No Content' : description }
      : { description, content: { 'application/json': { schema: collector.convert(schema as z.ZodType, 'output') } } };
  }
  return responses;
}

function operationOf({ key, route }: RouteEntry, collector: SchemaCollector): OperationObject {
  const metadata = route.metadata as RouteMetadata;
  const operation: OperationObject = {
    operationId: operationIdOf(key),
    tags: [metadata.tag],
    summary: route.summary ?? operationIdOf(key),
    ...(route.description ? { description: route.description } : {}),
    parameters: [
      ...parametersOf(route.pathParams, 'path', collector),
      ...(route.method === 'GET' || route.method === 'DELETE' ? parametersOf(route.query, 'query', collector) : []),
    ],
    responses: responsesOf(route, collector),
    security: metadata.scope ? [{ [SECURITY_SCHEME]: [metadata.scope] }] : [],
  };
  if ('body' in route && route.body && !isNoBody(route.body)) {
    const contentType = route.contentType ?? 'application/json';
    operation.requestBody = {
      required: true,
      content: { [contentType]: { schema: collector.convert(route.body as z.ZodType, 'input') } },
    };
  }
  if (metadata.scope) {
    operation['x-required-scope'] = metadata.scope;
    if (metadata.masterOnly) operation['x-master-realm-only'] = true;
  }
  return operation;
}

/** The OpenAPI 3.1 document, derived from the contract. */
export function generateOpenApi(options: OpenApiOptions = {}): OpenAPIObject {
  const collector = new SchemaCollector();
  const paths: PathsObject = {};
  for (const entry of walk(contract)) {
    const path = toOpenApiPath(entry.route.path);
    paths[path] ??= {};
    paths[path][entry.route.method.toLowerCase() as 'get'] = operationOf(entry, collector);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Realmkit API',
      version: options.version ?? '0.1.0',
      description:
        'Management API (users, applications, roles, API resources, realms) and the OAuth 2.0 ' +
        'authorization server of every realm. Management routes take a bearer token from ' +
        '`POST /oauth2/{realm}/token` (client_credentials).',
    },
    servers: [{ url: options.serverUrl ?? 'http://localhost:8080' }],
    paths,
    components: {
      schemas: collector.components,
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'oauth2',
          description:
            "Each realm has its own token endpoint, `/oauth2/{realm}/token`; the master realm's tokens manage every realm.",
          flows: {
            clientCredentials: {
              tokenUrl: '/oauth2/master/token',
              scopes: MANAGEMENT_SCOPE_DESCRIPTIONS,
            },
          },
        },
      },
    },
  };
}
