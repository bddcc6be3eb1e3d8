import type { AppRoute } from '@ts-rest/core';
import type { HeadersObject, ResponseObject } from 'openapi3-ts/oas31';
import { z } from 'zod';
import { ERROR_MESSAGES, UNKNOWN_FIELD } from '../common/error-messages.ts';
import { API_ERRORS, ERROR_CODES, ErrorBody, type ErrorStatus } from '../common/errors.ts';
import { MAX_REALM_REF_LENGTH, READINESS_TIMEOUT_SECONDS } from '../common/limits.ts';
import { RealmRef } from '../common/primitives.ts';
import type { SchemaCollector } from './json-schema.ts';
import { itemOf, type RouteFacts, subjectOf } from './traversal.ts';

/** What each error status means on every route that declares it: the meaning of its usual code. */
function errorDescriptionOf(status: ErrorStatus): string {
  return API_ERRORS[ERROR_CODES[status]].description;
}

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
 * Operations behind a rate limit, the ones that declare its 429: every Management API operation
 * (per client of the token, in its router's `commonResponses`) and the token endpoint (per client
 * and per IP address).
 */
export function isRateLimited(route: AppRoute): boolean {
  return '429' in route.responses;
}

/** Fields that the API keeps unique, in the order a conflict names them. */
const UNIQUE_FIELDS = ['email', 'indicator', 'name', 'username'];

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function shapeOf(schema: unknown): Record<string, z.ZodType> {
  return schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
}

/** The 400 of sending `value` as the parameter `name` of `part`: zod's own words, as the server reports them. */
function invalidParameter(
  part: 'path parameters' | 'query parameters',
  name: string,
  schema: z.ZodType,
  value: unknown,
): ErrorBody {
  const message = schema.safeParse(value).error?.issues[0]?.message ?? 'Invalid value';
  const details = [{ path: name, message }];
  return { error: ERROR_CODES[400], message: ERROR_MESSAGES.invalidRequest([part], details), details };
}

/**
 * A 400 of this route: an unknown body field when it takes a JSON object, else a malformed id in
 * its path, else a query parameter over its maximum, else a realm reference too long.
 */
function badRequestExampleOf(facts: RouteFacts): ErrorBody {
  if (facts.bodyFields.length > 0) {
    const details = [{ path: 'nickname', message: UNKNOWN_FIELD }];
    return { error: ERROR_CODES[400], message: ERROR_MESSAGES.invalidRequest(['request body'], details), details };
  }
  const path = shapeOf(facts.route.pathParams);
  const id = Object.keys(path)
    .filter((name) => name !== 'realm')
    .at(-1);
  if (id && path[id]) return invalidParameter('path parameters', id, path[id], 'not-a-uuid');
  const query = shapeOf(facts.route.query);
  for (const parameter of facts.parameters) {
    const maximum = (parameter.schema as { maximum?: number } | undefined)?.maximum;
    const schema = query[parameter.name];
    if (parameter.in === 'query' && schema && maximum !== undefined && maximum < Number.MAX_SAFE_INTEGER) {
      return invalidParameter('query parameters', parameter.name, schema, maximum + 1);
    }
  }
  return invalidParameter('path parameters', 'realm', path.realm ?? RealmRef, 'x'.repeat(MAX_REALM_REF_LENGTH + 1));
}

/** A realistic `Error` body for `status` on this route, in the words the server uses. */
export function errorExampleOf(status: ErrorStatus, facts: RouteFacts): ErrorBody {
  const error = ERROR_CODES[status];
  switch (status) {
    case 400:
      return badRequestExampleOf(facts);
    case 401:
      return { error, message: ERROR_MESSAGES.missingBearerToken };
    case 403:
      return { error, message: ERROR_MESSAGES.lacksScope(facts.metadata.scope ?? 'required') };
    case 404: {
      const item = itemOf(facts.path);
      return { error, message: item ? `${capitalized(item)} not found` : 'Realm acme not found' };
    }
    case 408:
      return { error, message: ERROR_MESSAGES.requestTimeout };
    case 409: {
      const subject = subjectOf(facts.path);
      const field = UNIQUE_FIELDS.find((name) => facts.bodyFields.includes(name));
      if (!subject || !field) return { error, message: 'The request conflicts with the current state of the server' };
      const message = `A ${subject} with this ${field} already exists${subject === 'realm' ? '' : ' in this realm'}`;
      return { error, message, details: [{ path: field, message }] };
    }
    case 412:
      return { error, message: ERROR_MESSAGES.ifMatchFailed };
    case 413:
      return { error, message: ERROR_MESSAGES.bodyTooLarge };
    case 415:
      return { error, message: ERROR_MESSAGES.notJson };
    case 422:
      return { error, message: 'The request breaks a rule of this operation: see its description' };
    case 429:
      return { error, message: ERROR_MESSAGES.rateLimited(42) };
    case 431:
      return { error, message: ERROR_MESSAGES.headersTooLarge };
    case 500:
      return { error, message: ERROR_MESSAGES.internalError('0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20') };
    case 503:
      return facts.path === '/readyz'
        ? {
            error,
            message: ERROR_MESSAGES.notReady(['database']),
            details: [{ path: 'database', message: ERROR_MESSAGES.databaseTimeout(READINESS_TIMEOUT_SECONDS) }],
          }
        : { error, message: ERROR_MESSAGES.databaseUnreachable };
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

/**
 * The `Error` response of `status` on this route: what it means, its headers and an example (for a
 * 503 of a route that hashes or checks passwords, one of each code, its status's own first).
 */
export function errorResponseOf(status: ErrorStatus, facts: RouteFacts, collector: SchemaCollector): ResponseObject {
  const headers = errorHeadersOf(status, facts);
  const schema = collector.convert(ErrorBody, 'output');
  if (status === 503 && facts.metadata.passwordWork) {
    const busy = API_ERRORS.password_checks_busy;
    return {
      description: `\`${ERROR_CODES[status]}\`: ${errorDescriptionOf(status)} \`password_checks_busy\`: ${busy.description}`,
      ...(headers ? { headers } : {}),
      content: {
        'application/json': {
          schema,
          examples: {
            [ERROR_CODES[status]]: { value: errorExampleOf(status, facts) },
            password_checks_busy: {
              value: { error: 'password_checks_busy', message: ERROR_MESSAGES.passwordChecksBusy },
            },
          },
        },
      },
    };
  }
  const description =
    status === 403 && facts.metadata.masterOnly
      ? 'The token lacks the scope this operation requires, or is not a master-realm token.'
      : errorDescriptionOf(status);
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema, example: errorExampleOf(status, facts) } },
  };
}
