import { errorResponses } from './errors.ts';

/**
 * What every route of the Management API can answer before its own handler runs, whatever it
 * does; each of its routers shares them as ts-rest's `commonResponses`: 400 (a path or query
 * parameter, or a body, that validation or PostgreSQL refuses), 401 and 403 (the bearer token and
 * the route's scope), 429 (the rate limit of the token's client) and 503 (the database is
 * unreachable).
 */
export const MANAGEMENT_RESPONSES = errorResponses(400, 401, 403, 429, 503);

/** {@link MANAGEMENT_RESPONSES}, and 404 for a realm that does not exist: the routes of one realm. */
export const REALM_MANAGEMENT_RESPONSES = errorResponses(400, 401, 403, 404, 429, 503);

/**
 * What each route of a realm's authorization server can answer: 400 (a `{realm}` that validation
 * refuses; the token and introspection endpoints answer RFC 6749's instead, and declare it so),
 * 404 for a realm that does not exist, 503.
 */
export const REALM_OAUTH_RESPONSES = errorResponses(400, 404, 503);

/**
 * What the server's JSON body parser answers before any route sees the request, on every JSON
 * POST, PUT and PATCH (a body sent to one that takes none is read too); GET and DELETE bodies are
 * ignored. `withMiddleware` adds them to the routes they apply to.
 */
export const JSON_BODY_RESPONSES = errorResponses(413, 415);

/** 412 of `If-Match` and `If-None-Match` on a conditional write. */
export const PRECONDITION_RESPONSES = errorResponses(412);

/** `Idempotency-Key`'s 409 (`idempotency_key_in_progress`) and 422 (`idempotency_key_reused`). */
export const IDEMPOTENCY_RESPONSES = errorResponses(409, 422);
