import type { AppRoute } from '@ts-rest/core';
import {
  IdempotencyKey,
  IfMatch,
  IfNoneMatchOnRead,
  IfNoneMatchOnWrite,
  isConditionalWrite,
  takesIdempotencyKey,
} from './concurrency.ts';
import { IDEMPOTENCY_RESPONSES, JSON_BODY_RESPONSES, PRECONDITION_RESPONSES } from './responses.ts';

/** A POST, PUT or PATCH that the JSON body parser reads (mutations have `body`; forms are read elsewhere). */
export function readsJsonBody(route: AppRoute): boolean {
  return (
    'body' in route && route.method !== 'DELETE' && (route.contentType ?? 'application/json') === 'application/json'
  );
}

/** No properties: what a conditional type adds when its condition does not hold. */
type Nothing = Record<never, never>;

type IsConditionalWrite<R> = R extends { metadata: { etag: true } }
  ? R extends { method: 'PATCH' | 'PUT' | 'DELETE' }
    ? true
    : R extends { method: 'POST'; metadata: { action: true } }
      ? true
      : false
  : false;
type TakesIdempotencyKey<R> = R extends { method: 'POST'; metadata: { scope: string } } ? true : false;
type ReadsJsonBody<R> = R extends { method: 'POST' | 'PUT' | 'PATCH'; body: unknown }
  ? R extends { contentType: 'multipart/form-data' | 'application/x-www-form-urlencoded' }
    ? false
    : true
  : false;

/** The request headers {@link withMiddleware} declares on a route. */
export type MiddlewareHeaders<R> = (R extends { method: 'GET' }
  ? { 'if-none-match': typeof IfNoneMatchOnRead }
  : Nothing) &
  (IsConditionalWrite<R> extends true
    ? { 'if-match': typeof IfMatch; 'if-none-match': typeof IfNoneMatchOnWrite }
    : Nothing) &
  (TakesIdempotencyKey<R> extends true ? { 'idempotency-key': typeof IdempotencyKey } : Nothing);

/** The responses {@link withMiddleware} adds to a route. */
export type MiddlewareResponses<R> = (ReadsJsonBody<R> extends true ? typeof JSON_BODY_RESPONSES : Nothing) &
  (IsConditionalWrite<R> extends true ? typeof PRECONDITION_RESPONSES : Nothing) &
  (TakesIdempotencyKey<R> extends true ? typeof IDEMPOTENCY_RESPONSES : Nothing);

/** A route as {@link withMiddleware} declares it. */
export type WithMiddleware<R extends AppRoute> = Omit<R, 'responses'> & {
  responses: R['responses'] & MiddlewareResponses<R>;
} & (keyof MiddlewareHeaders<R> extends never ? Nothing : { headers: MiddlewareHeaders<R> });

/**
 * Declares on each route what the server's shared middleware adds to it, from the route's method,
 * body and metadata, so that the contract says it once and the server, the OpenAPI document and
 * the SDK read it from the route:
 *
 * - every GET takes `If-None-Match` (304, `apps/server/src/http/conditional-requests.ts`);
 * - a conditional write (`metadata.etag`: PATCH, PUT, DELETE, or a POST with `metadata.action`)
 *   takes `If-Match` and `If-None-Match`, and answers 412;
 * - a POST with a scope takes `Idempotency-Key`, and answers its 409 and 422;
 * - a JSON POST, PUT or PATCH answers the JSON body parser's 413 and 415.
 *
 * What a whole router shares (the Management API's 400, 401, 403, 429, 503...) is its
 * `commonResponses` instead (`./responses.ts`).
 */
export function withMiddleware<const T extends Record<string, AppRoute>>(
  routes: T,
): { [K in keyof T]: WithMiddleware<T[K]> } {
  return Object.fromEntries(
    Object.entries(routes).map(([name, route]) => {
      const conditional = isConditionalWrite(route);
      const idempotent = takesIdempotencyKey(route);
      const headers = {
        ...(route.method === 'GET' ? { 'if-none-match': IfNoneMatchOnRead } : {}),
        ...(conditional ? { 'if-match': IfMatch, 'if-none-match': IfNoneMatchOnWrite } : {}),
        ...(idempotent ? { 'idempotency-key': IdempotencyKey } : {}),
      };
      const responses = {
        ...(readsJsonBody(route) ? JSON_BODY_RESPONSES : {}),
        ...(conditional ? PRECONDITION_RESPONSES : {}),
        ...(idempotent ? IDEMPOTENCY_RESPONSES : {}),
        ...route.responses,
      };
      return [name, { ...route, responses, ...(Object.keys(headers).length > 0 ? { headers } : {}) }];
    }),
  ) as unknown as { [K in keyof T]: WithMiddleware<T[K]> };
}
