import type { ResponseObject, ResponsesObject } from 'openapi3-ts/oas31';
import type { z } from 'zod';
import { ERROR_CODES, ErrorBody, type ErrorStatus } from '../common/errors.ts';
import { OAuthErrorBody } from '../oauth/oauth.schemas.ts';
import { concurrencyErrorNote, concurrencyResponseHeaders, notModifiedResponse } from './concurrency.ts';
import { errorResponseOf, headerRefs, isRateLimited, RATE_LIMIT_HEADERS } from './errors.ts';
import type { SchemaCollector } from './json-schema.ts';
import { oauthErrorResponseOf } from './oauth.ts';
import { isNoBody, type RouteFacts } from './traversal.ts';

const SUCCESS_DESCRIPTIONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
};

/**
 * Every response of the operation, by status: the ones its route declares (its own, its router's
 * `commonResponses`, and those of `withMiddleware`), and a 304 when it takes `If-None-Match`.
 */
export function responsesOf(facts: RouteFacts, collector: SchemaCollector): ResponsesObject {
  const responses: ResponsesObject = {};
  const limitHeaders = isRateLimited(facts.route) ? headerRefs(Object.keys(RATE_LIMIT_HEADERS)) : undefined;
  for (const [status, schema] of Object.entries(facts.route.responses) as [string, unknown][]) {
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
    const note = concurrencyErrorNote(facts.route, Number(status));
    if (note) response.description = `${response.description} ${note}`;
  }
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));
}
