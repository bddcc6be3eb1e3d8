import { type AppRoute, type AppRouter, isAppRoute } from '@ts-rest/core';
import type {
  ComponentsObject,
  ExampleObject,
  HeadersObject,
  MediaTypeObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathsObject,
  ResponseObject,
  ResponsesObject,
  TagObject,
} from 'openapi3-ts/oas31';
import { z } from 'zod';
import { ERROR_CODES, ErrorBody, type ErrorStatus } from '../common/errors.ts';
import type { RouteMetadata } from '../common/metadata.ts';
import { MANAGEMENT_SCOPE_DESCRIPTIONS } from '../common/scopes.ts';
import { contract } from '../contract.ts';
import { OAuthErrorBody } from '../oauth/oauth.schemas.ts';
import {
  concurrencyErrorNote,
  concurrencyErrorStatuses,
  concurrencyParameters,
  concurrencyResponseHeaders,
  notModifiedResponse,
} from './concurrency.ts';
import { SchemaCollector } from './json-schema.ts';

export const SECURITY_SCHEME = 'managementToken';

export interface OpenApiOptions {
  /** Public base URL of the server, e.g. `https://auth.example.com`; default `/`, the server that serves the document. */
  serverUrl?: string;
  version?: string;
}

interface RouteEntry {
  key: string[];
  route: AppRoute;
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

/** What each error status means on every route that declares it. */
const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'The request is malformed: a path parameter, query parameter or body field is invalid (`details` names each), or the body is not valid JSON.',
  401: 'The bearer token is missing, invalid or expired, or was issued for another realm.',
  403: 'The token lacks the scope this operation requires.',
  404: 'The realm, or an item the request names, does not exist in it.',
  409: 'Conflicts with the current state: a unique field is taken, or the change is already made.',
  412: 'A precondition of the request (`If-Match`, `If-None-Match`) does not hold.',
  413: 'The request body is larger than 100 kB.',
  415: 'The request body is not `application/json`.',
  422: 'Well-formed, but breaks a rule of this operation (see its description); `details` says where when it can.',
  429: 'Too many requests: retry after the delay that `Retry-After` gives, in seconds.',
  500: 'An unexpected failure on the server; the message carries the request id to report.',
  503: 'The database is unreachable (`/readyz`: this instance is not ready): retry after the delay that `Retry-After` gives, in seconds.',
};

/**
 * Statuses the server's JSON body parser answers before any route sees the request, on every
 * POST, PUT and PATCH (a body sent to one that takes none is read too): they belong to the
 * transport, not to one route. GET and DELETE bodies are ignored.
 */
const JSON_BODY_ERRORS = [413, 415] as const satisfies readonly ErrorStatus[];

/**
 * Rate-limit headers of draft-ietf-httpapi-ratelimit-headers-06 (RateLimit-Limit, -Remaining,
 * -Reset, -Policy), sent by every rate-limited operation while limits are on, and `Retry-After`
 * (RFC 9110) on its 429.
 */
const RATE_LIMIT_HEADERS: Record<string, HeadersObject[string]> = {
  'RateLimit-Limit': {
    schema: { type: 'integer' },
    description: 'Requests allowed in the current window (draft-ietf-httpapi-ratelimit-headers-06).',
  },
  'RateLimit-Remaining': {
    schema: { type: 'integer' },
    description: 'Requests left in the current window.',
  },
  'RateLimit-Reset': {
    schema: { type: 'integer' },
    description: 'Seconds until the window resets and the quota is whole again.',
  },
  'RateLimit-Policy': {
    schema: { type: 'string' },
    description: 'The quota policy, `<limit>;w=<window in seconds>`, e.g. `50;w=1`.',
  },
};
const RETRY_AFTER_HEADER = { schema: { type: 'integer' }, description: 'Seconds to wait before retrying.' } as const;

function headerRefs(names: readonly string[]): HeadersObject {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

/**
 * Operations behind a rate limit: every Management API operation (per client of the token) and
 * every operation that declares 429 itself (the token endpoint, per client and per IP address).
 */
function isRateLimited(route: AppRoute): boolean {
  return Boolean((route.metadata as RouteMetadata).scope) || '429' in route.responses;
}

/**
 * Statuses every operation can answer, whatever its route: 503 while the database is unreachable
 * (except routes that never touch it, `withoutDatabase`).
 */
const TRANSPORT_ERRORS = [503] as const satisfies readonly ErrorStatus[];

type OAuthErrorCode = OAuthErrorBody['error'];

/** RFC 6749 §5.2 (and RFC 8707 `invalid_target`) errors of the token endpoint, as it words them. */
const OAUTH_ERROR_EXAMPLES: Partial<Record<OAuthErrorCode, string>> = {
  invalid_request: 'The grant_type parameter is required',
  unsupported_grant_type: 'Unsupported grant_type: password',
  unauthorized_client: 'Only machine-to-machine applications may use client_credentials',
  invalid_scope: 'None of the requested scopes can be granted to this client',
  invalid_target: 'Unknown resource: https://api.unknown.example',
  invalid_client: 'Client authentication failed',
  rate_limited: 'Too many token requests for this client; retry in 1 s',
  server_error: 'Something went wrong on our side',
};

/**
 * RFC 6749 §5.2: 401 for `invalid_client`, 400 for the others (500 for `server_error`); 429 for
 * `rate_limited`, an extension code (RFC 6749 §8.5) named as in the rest of the API.
 */
function oauthStatusOf(code: OAuthErrorCode): number {
  if (code === 'invalid_client') return 401;
  if (code === 'rate_limited') return 429;
  return code === 'server_error' ? 500 : 400;
}

const SUCCESS_DESCRIPTIONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
};

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

function metaOf(schema: unknown): Record<string, unknown> | undefined {
  return schema instanceof z.ZodType ? z.globalRegistry.get(schema) : undefined;
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

/** `users` → `user`, `identities` → `identity`. */
function singular(segment: string): string {
  if (segment.endsWith('ies')) return `${segment.slice(0, -3)}y`;
  return segment.endsWith('s') ? segment.slice(0, -1) : segment;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The item a path names last, from the collection before its last parameter other than `{realm}`:
 * `/api/v1/{realm}/users/{id}/roles/{roleId}` → `role`; `undefined` when the path names only a realm.
 */
function itemOf(path: string): string | undefined {
  const segments = path.split('/');
  for (let index = segments.length - 1; index > 0; index--) {
    const segment = segments[index] ?? '';
    const previous = segments[index - 1] ?? '';
    if (/^\{.+\}$/.test(segment) && segment !== '{realm}' && !/^\{.+\}$/.test(previous)) return singular(previous);
  }
  return undefined;
}

/** What the operation creates or changes: the collection it posts to, else the item it names. */
function subjectOf(path: string): string | undefined {
  const last = path.split('/').at(-1) ?? '';
  if (!/^\{.+\}$/.test(last) && /^[a-z]+s$/.test(last)) return singular(last);
  return itemOf(path);
}

/** Fields that the API keeps unique, in the order a conflict names them. */
const UNIQUE_FIELDS = ['email', 'indicator', 'name', 'username'];

interface RouteFacts {
  path: string;
  route: AppRoute;
  metadata: RouteMetadata;
  parameters: ParameterObject[];
  /** Properties of the JSON body, if the route takes one. */
  bodyFields: string[];
}

/** A realistic `Error` body for `status` on this route, in the words the server uses. */
function errorExampleOf(status: ErrorStatus, facts: RouteFacts): ErrorBody {
  const error = ERROR_CODES[status];
  switch (status) {
    case 400: {
      if (facts.bodyFields.length > 0) {
        return {
          error,
          message: 'Invalid request body: unknown field "nickname"',
          details: [{ path: 'nickname', message: 'Unknown field' }],
        };
      }
      const idParameter = facts.parameters.filter((p) => p.in === 'path' && p.name !== 'realm').at(-1);
      if (idParameter) {
        return {
          error,
          message: `Invalid path parameters: ${idParameter.name}: Invalid UUID`,
          details: [{ path: idParameter.name, message: 'Invalid UUID' }],
        };
      }
      const bounded = facts.parameters.find((p) => {
        const maximum = (p.schema as { maximum?: number } | undefined)?.maximum;
        return p.in === 'query' && maximum !== undefined && maximum < Number.MAX_SAFE_INTEGER;
      });
      if (bounded) {
        const detail = `Too big: expected number to be <=${(bounded.schema as { maximum: number }).maximum}`;
        return {
          error,
          message: `Invalid query parameters: ${bounded.name}: ${detail}`,
          details: [{ path: bounded.name, message: detail }],
        };
      }
      return {
        error,
        message: 'Invalid path parameters: realm: Too big: expected string to have <=64 characters',
        details: [{ path: 'realm', message: 'Too big: expected string to have <=64 characters' }],
      };
    }
    case 401:
      return { error, message: 'Missing bearer token: send `Authorization: Bearer <access_token>`' };
    case 403:
      return { error, message: `The token lacks the ${facts.metadata.scope ?? 'required'} scope` };
    case 404: {
      const item = itemOf(facts.path);
      return { error, message: item ? `${capitalized(item)} not found` : 'Realm acme not found' };
    }
    case 409: {
      const subject = subjectOf(facts.path);
      const field = UNIQUE_FIELDS.find((name) => facts.bodyFields.includes(name));
      if (!subject || !field) return { error, message: 'The request conflicts with the current state of the server' };
      const message = `A ${subject} with this ${field} already exists${subject === 'realm' ? '' : ' in this realm'}`;
      return { error, message, details: [{ path: field, message }] };
    }
    case 412:
      return {
        error,
        message: 'If-Match does not match the current ETag of this resource: it changed since you read it',
      };
    case 413:
      return { error, message: 'Request body is larger than 100 kB' };
    case 415:
      return { error, message: 'Send the request body as application/json' };
    case 422:
      return { error, message: 'The request breaks a rule of this operation: see its description' };
    case 429:
      return { error, message: 'Too many requests; retry in 42 s' };
    case 500:
      return { error, message: 'Something went wrong on our side. Request id: 0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20' };
    case 503:
      return facts.path === '/readyz'
        ? {
            error,
            message: 'Not ready: database',
            details: [{ path: 'database', message: 'The database did not answer within 2 s' }],
          }
        : { error, message: 'The database is unreachable; retry in a few seconds' };
  }
}

const STRING_HEADER = { schema: { type: 'string' } } as const;

function errorHeadersOf(status: number, facts: RouteFacts): HeadersObject | undefined {
  if (status === 401 && facts.metadata.scope) {
    return {
      'WWW-Authenticate': {
        ...STRING_HEADER,
        description: 'RFC 6750: `Bearer realm="realmkit"`, with `error="invalid_token"` when a token was sent.',
      },
    };
  }
  if (status === 403 && facts.metadata.scope) {
    return {
      'WWW-Authenticate': {
        ...STRING_HEADER,
        description: `RFC 6750: \`Bearer realm="realmkit", error="insufficient_scope", scope="${facts.metadata.scope}"\`.`,
      },
    };
  }
  if (status === 429) {
    return {
      'Retry-After': { $ref: '#/components/headers/Retry-After' },
      ...(isRateLimited(facts.route) ? headerRefs(Object.keys(RATE_LIMIT_HEADERS)) : {}),
    };
  }
  if (status === 503) {
    return { 'Retry-After': { $ref: '#/components/headers/Retry-After' } };
  }
  return undefined;
}

function errorResponseOf(status: ErrorStatus, facts: RouteFacts, collector: SchemaCollector): ResponseObject {
  const headers = errorHeadersOf(status, facts);
  const description =
    status === 403 && facts.metadata.masterOnly
      ? 'The token lacks the scope this operation requires, or is not a master-realm token.'
      : ERROR_DESCRIPTIONS[status];
  return {
    description,
    ...(headers ? { headers } : {}),
    content: {
      'application/json': { schema: collector.convert(ErrorBody, 'output'), example: errorExampleOf(status, facts) },
    },
  };
}

function oauthDescriptionOf(status: number, named: string): string {
  if (status === 401) {
    return `RFC 6749 §5.2 ${named}: client authentication failed. \`WWW-Authenticate: Basic\` says how to authenticate.`;
  }
  if (status === 429) {
    return (
      `${named}: too many token requests for this client_id or from this IP address. Retry after ` +
      '`Retry-After` seconds.'
    );
  }
  return `RFC 6749 §5.2 error: ${named}. \`error_description\` (and \`message\`) says what to fix.`;
}

function oauthHeadersOf(status: number): HeadersObject | undefined {
  if (status === 401) {
    return { 'WWW-Authenticate': { ...STRING_HEADER, description: '`Basic realm="realmkit", charset="UTF-8"`' } };
  }
  if (status === 429) {
    return {
      'Retry-After': { $ref: '#/components/headers/Retry-After' },
      ...headerRefs(Object.keys(RATE_LIMIT_HEADERS)),
    };
  }
  return undefined;
}

/**
 * An RFC 6749 error response: one named example per error code that answers with `status`, of the
 * codes the route's metadata lists (default: the token endpoint's).
 */
function oauthErrorResponseOf(status: number, facts: RouteFacts, collector: SchemaCollector): ResponseObject {
  const wording: Partial<Record<OAuthErrorCode, string>> = facts.metadata.oauthErrors ?? OAUTH_ERROR_EXAMPLES;
  const codes = OAuthErrorBody.shape.error.options.filter((code) => oauthStatusOf(code) === status && wording[code]);
  const examples: Record<string, ExampleObject> = Object.fromEntries(
    codes.map((code) => {
      const description = wording[code] ?? '';
      return [code, { summary: code, value: { error: code, error_description: description, message: description } }];
    }),
  );
  const named = codes.map((code) => `\`${code}\``).join(', ');
  const headers = oauthHeadersOf(status);
  return {
    description: oauthDescriptionOf(status, named),
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: collector.convert(OAuthErrorBody, 'output'), examples } },
  };
}

function responsesOf(facts: RouteFacts, collector: SchemaCollector): ResponsesObject {
  const responses: ResponsesObject = {};
  const declared: [string, unknown][] = Object.entries(facts.route.responses);
  const added = [
    ...(readsJsonBody(facts.route) ? JSON_BODY_ERRORS : []),
    ...(facts.metadata.withoutDatabase ? [] : TRANSPORT_ERRORS),
  ];
  for (const status of added) {
    if (!(status in facts.route.responses)) declared.push([String(status), ErrorBody]);
  }
  // The Management API's rate limit answers before the route does, on every operation with a scope.
  if (facts.metadata.scope && !(429 in facts.route.responses)) declared.push(['429', ErrorBody]);
  // 412 from `If-Match`, and `Idempotency-Key`'s 409 and 422.
  for (const status of concurrencyErrorStatuses(facts.route, facts.metadata)) {
    if (!declared.some(([declaredStatus]) => Number(declaredStatus) === status))
      declared.push([String(status), ErrorBody]);
  }
  const limitHeaders = isRateLimited(facts.route) ? headerRefs(Object.keys(RATE_LIMIT_HEADERS)) : undefined;
  for (const [status, schema] of declared) {
    const code = Number(status);
    if (schema === ErrorBody && code in ERROR_CODES) {
      responses[status] = errorResponseOf(code as ErrorStatus, facts, collector);
    } else if (schema === OAuthErrorBody) {
      responses[status] = oauthErrorResponseOf(code, facts, collector);
    } else if (isNoBody(schema)) {
      responses[status] = {
        description: SUCCESS_DESCRIPTIONS[code] ?? 'No content',
        ...(limitHeaders ? { headers: limitHeaders } : {}),
      };
    } else {
      responses[status] = {
        description: SUCCESS_DESCRIPTIONS[code] ?? 'Response',
        ...(limitHeaders ? { headers: limitHeaders } : {}),
        content: { 'application/json': { schema: collector.convert(schema as z.ZodType, 'output') } },
      };
    }
  }
  const notModified = notModifiedResponse(facts.route, facts.metadata);
  if (notModified) responses['304'] = { ...notModified, headers: { ...limitHeaders, ...notModified.headers } };
  for (const [status, response] of Object.entries(responses) as [string, ResponseObject][]) {
    const headers = concurrencyResponseHeaders(facts.route, facts.metadata, Number(status));
    if (Object.keys(headers).length > 0) response.headers = { ...response.headers, ...headers };
    const note = concurrencyErrorNote(facts.route, facts.metadata, Number(status));
    if (note) response.description = `${response.description} ${note}`;
  }
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));
}

/** Whether the server's JSON body parser reads this route's requests: every JSON POST, PUT and PATCH (mutations have `body`). */
function readsJsonBody(route: AppRoute): boolean {
  return (
    'body' in route && route.method !== 'DELETE' && (route.contentType ?? 'application/json') === 'application/json'
  );
}

function hasJsonBody(route: AppRoute): boolean {
  return (
    'body' in route &&
    Boolean(route.body) &&
    !isNoBody(route.body) &&
    (route.contentType ?? 'application/json') === 'application/json'
  );
}

function requestBodyOf(route: AppRoute, collector: SchemaCollector): OperationObject['requestBody'] {
  if (!('body' in route) || !route.body || isNoBody(route.body)) return undefined;
  const contentType = route.contentType ?? 'application/json';
  const body = route.body as z.ZodType;
  // An optional body (`Schema.optional()`) carries its example on the schema it wraps.
  const example = metaOf(body)?.example ?? (body instanceof z.ZodOptional ? metaOf(body.unwrap())?.example : undefined);
  const media: MediaTypeObject = {
    schema: collector.convert(route.body as z.ZodType, 'input'),
    ...(example === undefined ? {} : { example }),
  };
  // An optional body: the operation works without one.
  const required = !body.safeParse(undefined).success;
  return { required, content: { [contentType]: media } };
}

function bodyFieldsOf(route: AppRoute): string[] {
  if (!hasJsonBody(route) || !('body' in route) || !(route.body instanceof z.ZodObject)) return [];
  return Object.keys(route.body.shape);
}

function operationOf({ key, route }: RouteEntry, collector: SchemaCollector): OperationObject {
  const metadata = route.metadata as RouteMetadata;
  const parameters = [
    ...parametersOf(route.pathParams, 'path', collector),
    ...(route.method === 'GET' || route.method === 'DELETE' ? parametersOf(route.query, 'query', collector) : []),
  ];
  const headerParameters = concurrencyParameters(route, metadata);
  const facts: RouteFacts = {
    path: toOpenApiPath(route.path),
    route,
    metadata,
    parameters,
    bodyFields: bodyFieldsOf(route),
  };
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
  const collector = new SchemaCollector();
  const paths: PathsObject = {};
  const tags = new Map<string, TagObject>();
  for (const entry of walk(contract)) {
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
