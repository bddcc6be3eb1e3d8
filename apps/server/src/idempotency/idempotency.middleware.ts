import type { RouteMetadata } from '@realmkit/contract';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ApiError } from '../errors/api-error.ts';
import { principalOf } from '../http/bearer-auth.ts';
import { onResponse, responseStep } from '../http/response-hooks.ts';
import { urlPath } from '../http/url-path.ts';
import type { IdempotencyScope, IdempotencyStore, KeptResponse } from './idempotency.store.ts';
import { idempotencyKeyOf } from './idempotency-key-header.ts';

/**
 * Answers a POST never ran for, so its key stays free for a corrected retry: refused before it
 * ran (400, 401, 403, 408, 413, 415, 429), as Stripe does, and 412: an `If-Match` that no longer
 * holds changed nothing, and its cure is the same request with the new `ETag` (which is not part
 * of the fingerprint), not the 412 again. 5xx are not kept either: every write here is one
 * transaction, so a server error means nothing was committed and a retry is the cure. Everything
 * else the operation answered (2xx, 404, 409, 422) is kept and answered again.
 */
const NOT_KEPT = new Set([400, 401, 403, 408, 412, 413, 415, 429]);

export function isKept(status: number): boolean {
  return status < 500 && !NOT_KEPT.has(status);
}

/** Headers of a kept response that belong to it (not to the request that made it, like `X-Request-Id`). */
const KEPT_HEADERS = ['content-type', 'etag', 'location'];

function replay(res: Response, response: KeptResponse): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.setHeader('Idempotent-Replayed', 'true');
  res.end(response.body);
}

/** The step of {@link idempotency} among the response hooks (app.ts orders them). */
export const idempotencyStep = responseStep('idempotency');

/**
 * Keeps the lease of the running request, then, when its response is about to be sent, keeps
 * it (or frees the key) before letting it go: a retry that follows the response always finds
 * the outcome, never the request "in progress".
 */
function keepOutcome(
  req: Request,
  res: Response,
  store: IdempotencyStore,
  scope: IdempotencyScope,
  owner: string,
  logger: Logger,
) {
  const heartbeat = setInterval(() => {
    store
      .renew(scope, owner)
      .catch((error: unknown) => logger.warn({ err: error, reqId: req.id }, 'idempotency lease renewal failed'));
  }, store.renewIntervalMs);
  heartbeat.unref();
  res.once('close', () => clearInterval(heartbeat));

  onResponse(res, idempotencyStep, {
    beforeEnd: ({ status, body }) => {
      clearInterval(heartbeat);
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = res.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      const outcome = isKept(status)
        ? store.complete(scope, owner, { status, headers, body }).then((kept) => {
            // Its lease lapsed while it ran (this instance stalled past IDEMPOTENCY_KEY_LEASE_SECONDS)
            // and a retry took the key over and ran the request too: the key keeps the retry's answer.
            if (!kept) {
              logger.warn(
                { reqId: req.id, status },
                'idempotent request outlived its lease: a retry with its key ran too, and the key keeps that answer',
              );
            }
          })
        : store.release(scope, owner);
      return outcome.catch((error: unknown) =>
        logger.error({ err: error, reqId: req.id }, 'could not record the outcome of an idempotent request'),
      );
    },
  });
}

/**
 * `Idempotency-Key` on the POSTs of the Management API and the users API by realm name (routes
 * with a scope; the token endpoint is not one of them). Runs after bearer authentication: keys
 * belong to the calling client. The first request with a key runs; a retry with the same key,
 * method, path and body gets its response again (`Idempotent-Replayed: true`) for 24 h; another
 * body gets 422 `idempotency_key_reused`; a retry while the first still runs gets 409
 * `idempotency_key_in_progress`. Never runs one request twice, but for one bound: a request whose
 * instance died (or stalled) past its lease before recording its outcome runs again on a retry
 * (IDEMPOTENCY_KEY_LEASE_SECONDS; docs/operations.md).
 */
export function idempotency(store: IdempotencyStore, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    try {
      const metadata = (req as { tsRestRoute?: { metadata?: RouteMetadata } }).tsRestRoute?.metadata;
      if (req.method !== 'POST' || !metadata?.scope) return next();
      const key = idempotencyKeyOf(req);
      if (key === undefined) return next();
      const principal = principalOf(res);
      const scope = { realmId: principal.realmId, clientId: principal.clientId, key };
      const claim = await store.claim(scope, store.fingerprints(req.method, urlPath(req.originalUrl), req.body));
      switch (claim.kind) {
        case 'replay':
          return replay(res, claim.response);
        case 'unverifiable':
          throw new ApiError(
            422,
            'This Idempotency-Key was first used with a secret key this server no longer has: its request ' +
              'cannot be compared with this one; send a new key for a new request',
            { code: 'idempotency_key_reused' },
          );
        case 'mismatch':
          throw new ApiError(
            422,
            'This Idempotency-Key was used for another request: send a new key for a new request',
            {
              code: 'idempotency_key_reused',
            },
          );
        case 'in_progress':
          throw new ApiError(409, 'A request with this Idempotency-Key is still in progress: retry in a moment', {
            code: 'idempotency_key_in_progress',
            headers: { 'Retry-After': '1' },
          });
        case 'claimed':
          keepOutcome(req, res, store, scope, claim.owner, logger);
          return next();
      }
    } catch (error) {
      next(error);
    }
  };
}
