import type { AppRoute } from '@ts-rest/core';
import type { ResponseObject, ResponsesObject } from 'openapi3-ts/oas31';
import type { z } from 'zod';
import { ERROR_CODES, ErrorBody, type ErrorStatus } from '../common/errors.ts';
import { OAuthErrorBody } from '../oauth/oauth.schemas.ts';
import {
  concurrencyErrorNote,
  concurrencyErrorStatuses,
  concurrencyResponseHeaders,
  notModifiedResponse,
} from './concurrency.ts';
import {
  errorResponseOf,
  headerRefs,
  isRateLimited,
  JSON_BODY_ERRORS,
  RATE_LIMIT_HEADERS,
  TRANSPORT_ERRORS,
} from './errors.ts';
import type { SchemaCollector } from './json-schema.ts';
import { oauthErrorResponseOf } from './oauth.ts';
import { isNoBody, type RouteFacts } from './traversal.ts';

const SUCCESS_DESCRIPTIONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
};

/** Whether the server's JSON body parser reads this route's requests: every JSON POST, PUT and PATCH (mutations have `body`). */
function readsJsonBody(route: AppRoute): boolean {
  return (
    'body' in route && route.method !== 'DELETE' && (route.contentType ?? 'application/json') === 'application/json'
  );
}

/** Every response of the operation, by status: its declared ones, then what the server adds around the route. */
export function responsesOf(facts: RouteFacts, collector: SchemaCollector): ResponsesObject {
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
