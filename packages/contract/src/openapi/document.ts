import type { AppRoute, AppRouter } from '@ts-rest/core';
import type { ComponentsObject, OpenAPIObject, OperationObject, PathsObject, TagObject } from 'openapi3-ts/oas31';
import type { RouteMetadata } from '../common/metadata.ts';
import { MANAGEMENT_SCOPE_DESCRIPTIONS } from '../common/scopes.ts';
import { contract } from '../contract.ts';
import { RATE_LIMIT_HEADERS, RETRY_AFTER_HEADER } from './errors.ts';
import { SchemaCollector } from './json-schema.ts';
import { bodyFieldsOf, headerParametersOf, requestBodyOf, routeParametersOf } from './parameters.ts';
import { responsesOf } from './responses.ts';
import { operationIdOf, type RouteEntry, type RouteFacts, toOpenApiPath, walk } from './traversal.ts';

export const SECURITY_SCHEME = 'managementToken';

export interface OpenApiOptions {
  /** Public base URL of the server, e.g. `https://auth.example.com`; default `/`, the server that serves the document. */
  serverUrl?: string;
  version?: string;
}

/** What each tag of the contract's routes groups; the document lists the tags in the contract's order. */
const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'OAuth 2.0':
    "Each realm's authorization server: the client_credentials token endpoint (RFC 6749 §4.4, RFC 8707 resource " +
    'indicators), its public signing keys and its discovery documents (RFC 8414). Public: no bearer token.',
  Realms:
    'Tenants. Each realm has its own users, applications, roles, API resources, signing key and token endpoint. ' +
    'Master-realm tokens only.',
  Users: 'The users of a realm: profiles, passwords, suspension, role assignments and connected identity providers.',
  Applications:
    'The clients of a realm: `spa`, `native`, `traditional` and `m2m`. Confidential types get a client secret, ' +
    'shown once; `m2m` applications hold roles and get tokens with client_credentials.',
  Roles:
    'Named sets of scopes, assigned to users and to `m2m` applications: a token carries the scopes its roles hold.',
  Resources:
    "The APIs that accept a realm's tokens, each with an RFC 8707 indicator (the tokens' `aud`) and the scopes it " +
    "defines. The realm's built-in Management API is one of them, read-only.",
  Operations:
    'Probes for load balancers and orchestrators: liveness (`/healthz`) and readiness (`/readyz`). Public; see ' +
    '`docs/operations.md`.',
  'Users by realm name':
    'The users API addressed by realm name (`/api/users?realm=...`): camelCase fields and zero-based pages, the ' +
    'same users as `/api/v1/{realm}/users`.',
  'Audit logs':
    'Every Management API write of a realm, recorded with the client that made it, what it did, to what, and ' +
    'the status it got; never the values sent (secrets, passwords). Read with `audit-logs:read`.',
};

/** What the generator knows of `route` while it writes its operation. */
export function routeFactsOf(route: AppRoute, collector: SchemaCollector): RouteFacts {
  return {
    path: toOpenApiPath(route.path),
    route,
    metadata: route.metadata as RouteMetadata,
    parameters: routeParametersOf(route, collector),
    bodyFields: bodyFieldsOf(route),
  };
}

function operationOf({ key, route }: RouteEntry, collector: SchemaCollector): OperationObject {
  const facts = routeFactsOf(route, collector);
  const { metadata, parameters } = facts;
  const headerParameters = headerParametersOf(route, collector);
  const requestBody = requestBodyOf(route, collector);
  const operation: OperationObject = {
    operationId: operationIdOf(key),
    tags: [metadata.tag],
    summary: route.summary ?? operationIdOf(key),
    ...(route.description ? { description: route.description } : {}),
    parameters: [...parameters, ...headerParameters],
    ...(requestBody ? { requestBody } : {}),
    responses: responsesOf(facts, collector),
    security: metadata.scope ? [{ [SECURITY_SCHEME]: [metadata.scope] }] : [],
  };
  if (metadata.scope) {
    operation['x-required-scope'] = metadata.scope;
    if (metadata.masterOnly) operation['x-master-realm-only'] = true;
  }
  return operation;
}

/** The OpenAPI 3.1 document, derived from the contract. */
export function generateOpenApi(options: OpenApiOptions = {}): OpenAPIObject {
  return documentOf(contract, options);
}

/** The document of `router`: {@link generateOpenApi} for the contract, or a part of it. */
export function documentOf(router: AppRouter, options: OpenApiOptions = {}): OpenAPIObject {
  const collector = new SchemaCollector();
  const paths: PathsObject = {};
  const tags = new Map<string, TagObject>();
  for (const entry of walk(router)) {
    const path = toOpenApiPath(entry.route.path);
    paths[path] ??= {};
    paths[path][entry.route.method.toLowerCase() as 'get'] = operationOf(entry, collector);
    const tag = (entry.route.metadata as RouteMetadata).tag;
    const description = TAG_DESCRIPTIONS[tag];
    if (!tags.has(tag)) tags.set(tag, { name: tag, ...(description ? { description } : {}) });
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Realmkit API',
      version: options.version ?? '0.1.0',
      description:
        'Management API (users, applications, roles, API resources, realms) and the OAuth 2.0 ' +
        'authorization server of every realm. Management routes take a bearer token from ' +
        '`POST /oauth2/{realm}/token` (client_credentials).\n\n' +
        'Errors are `{ error, message, details? }`: `error` is a stable code, `message` is for people and ' +
        '`details` names each field at fault. The token endpoint answers RFC 6749 errors ' +
        '(`{ error, error_description }`) instead.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      {
        url: options.serverUrl ?? '/',
        description: options.serverUrl ? 'This Realmkit server' : 'The Realmkit server that serves this document',
      },
    ],
    tags: [...tags.values()],
    paths,
    components: {
      schemas: collector.components,
      headers: { ...RATE_LIMIT_HEADERS, 'Retry-After': RETRY_AFTER_HEADER } satisfies ComponentsObject['headers'],
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
