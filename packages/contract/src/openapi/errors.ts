import type { AppRoute } from '@ts-rest/core';
import type { HeadersObject, ResponseObject } from 'openapi3-ts/oas31';
import { ERROR_CODES, ErrorBody, type ErrorStatus } from '../common/errors.ts';
import { MAX_BODY_SIZE, MAX_REALM_REF_LENGTH, READINESS_TIMEOUT_SECONDS } from '../common/limits.ts';
import type { RouteMetadata } from '../common/metadata.ts';
import type { SchemaCollector } from './json-schema.ts';
import { itemOf, type RouteFacts, subjectOf } from './traversal.ts';

/** What each error status means on every route that declares it. */
const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'The request is malformed: a path parameter, query parameter or body field is invalid (`details` names each), or the body is not valid JSON.',
  401: 'The bearer token is missing, invalid or expired, or was issued for another realm.',
  403: 'The token lacks the scope this operation requires.',
  404: 'The realm, or an item the request names, does not exist in it.',
  409: 'Conflicts with the current state: a unique field is taken, or the change is already made.',
  412: 'A precondition of the request (`If-Match`, `If-None-Match`) does not hold.',
  413: `The request body is larger than ${MAX_BODY_SIZE}.`,
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
export const JSON_BODY_ERRORS = [413, 415] as const satisfies readonly ErrorStatus[];

/**
 * Statuses every operation can answer, whatever its route: 503 while the database is unreachable
 * (except routes that never touch it, `withoutDatabase`).
 */
export const TRANSPORT_ERRORS = [503] as const satisfies readonly ErrorStatus[];

/**
 * Rate-limit headers of draft-ietf-httpapi-ratelimit-headers-06 (RateLimit-Limit, -Remaining,
 * -Reset, -Policy), sent by every rate-limited operation while limits are on, and `Retry-After`
 * (RFC 9110) on its 429.
 */
export const RATE_LIMIT_HEADERS: Record<string, HeadersObject[string]> = {
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
export const RETRY_AFTER_HEADER = {
  schema: { type: 'integer' },
  description: 'Seconds to wait before retrying.',
} as const;

/** `$ref`s to the document's `components.headers` of these names. */
export function headerRefs(names: readonly string[]): HeadersObject {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

/**
 * Operations behind a rate limit: every Management API operation (per client of the token) and
 * every operation that declares 429 itself (the token endpoint, per client and per IP address).
 */
export function isRateLimited(route: AppRoute): boolean {
  return Boolean((route.metadata as RouteMetadata).scope) || '429' in route.responses;
}

/** Fields that the API keeps unique, in the order a conflict names them. */
const UNIQUE_FIELDS = ['email', 'indicator', 'name', 'username'];

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A realistic `Error` body for `status` on this route, in the words the server uses. */
export function errorExampleOf(status: ErrorStatus, facts: RouteFacts): ErrorBody {
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
      const detail = `Too big: expected string to have <=${MAX_REALM_REF_LENGTH} characters`;
      return {
        error,
        message: `Invalid path parameters: realm: ${detail}`,
        details: [{ path: 'realm', message: detail }],
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
      return { error, message: `Request body is larger than ${MAX_BODY_SIZE}` };
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
            details: [
              { path: 'database', message: `The database did not answer within ${READINESS_TIMEOUT_SECONDS} s` },
            ],
          }
        : { error, message: 'The database is unreachable; retry in a few seconds' };
  }
}

export const STRING_HEADER = { schema: { type: 'string' } } as const;

/** Headers of an `Error` response: `WWW-Authenticate` (RFC 6750) on 401 and 403, `Retry-After` on 429 and 503. */
export function errorHeadersOf(status: number, facts: RouteFacts): HeadersObject | undefined {
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

/** The `Error` response of `status` on this route: what it means, its headers and an example. */
export function errorResponseOf(status: ErrorStatus, facts: RouteFacts, collector: SchemaCollector): ResponseObject {
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
