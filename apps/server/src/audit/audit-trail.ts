import { Id, MAX_IDS_PER_REQUEST } from '@realmkit/contract';
import type { AppRoute } from '@ts-rest/core';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Principal, TargetRealm } from '../http/bearer-auth.ts';
import { onResponse, responseStep } from '../http/response-hooks.ts';
import { urlPath } from '../http/url-path.ts';
import type { AuditDetails } from './audit-log.entity.ts';
import type { AuditEntry, AuditLogService } from './audit-log.service.ts';
import { type AuditedRoute, auditedRoutes } from './audited-routes.ts';

/**
 * How long a response waits for its audit entry. Entries take milliseconds; a database that
 * does not answer must not hold every response (the write itself has already failed then).
 */
const RECORD_WAIT_MS = 2000;
const MAX_PATH_LENGTH = 2048;

/** The request as the route saw it: an error handler later sees other `req.params`. */
interface RouteRequest {
  readonly params: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

/**
 * An id as the contract accepts it: a UUID of another version or variant (`...-0d4a-...`) was
 * refused with a 400 and names nothing, and the audit log's schema would not list it as an id.
 */
function isId(value: unknown): value is string {
  return Id.safeParse(value).success;
}

function targetIdOf(
  route: AuditedRoute,
  req: RouteRequest,
  res: Response,
  status: number,
  body: unknown,
): string | null {
  if (route.targetParam === 'realm') return (res.locals.realm as TargetRealm | undefined)?.id ?? null;
  if (route.targetParam) {
    const value = req.params[route.targetParam];
    return isId(value) ? value : null;
  }
  // A create: the new item's id is in the response (`{ data: { id } }` in v1, `{ id }` by realm name).
  if (status >= 300 || !body || typeof body !== 'object') return null;
  const item = 'data' in body ? (body as { data?: { id?: unknown } }).data : body;
  const id = (item as { id?: unknown } | undefined)?.id;
  return isId(id) ? id : null;
}

/** Ids the request named and the names of the body fields it sent: nothing a client typed as a value. */
function detailsOf(route: AuditedRoute, req: RouteRequest): AuditDetails {
  const details: AuditDetails = {};
  for (const [param, detail] of Object.entries(route.detailParams)) {
    const value = req.params[param];
    if (isId(value)) details[detail] = value;
  }
  const body: unknown = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return details;
  for (const field of route.idListFields) {
    const ids: unknown = (body as Record<string, unknown>)[field];
    if (Array.isArray(ids) && ids.length <= MAX_IDS_PER_REQUEST && ids.every(isId)) {
      details[field] = [...new Set(ids as string[])];
    }
  }
  const fields = route.bodyFields.filter((field) => Object.hasOwn(body, field));
  if (fields.length > 0) details.fields = fields;
  return details;
}

function entryOf(
  route: AuditedRoute,
  req: Request,
  routeRequest: RouteRequest,
  res: Response,
  status: number,
  principal: Principal,
  body: unknown,
): AuditEntry {
  const addressed = res.locals.realm as TargetRealm | undefined;
  // Realm writes belong to the log of the realm that manages realms: the caller's (master).
  const realmId = route.targetType === 'realm' ? principal.realmId : (addressed?.id ?? principal.realmId);
  return {
    realmId,
    action: route.action,
    actor: {
      clientId: principal.clientId,
      realmId: principal.realmId,
      realmName: principal.realmName,
      userId: principal.userId,
    },
    target: { type: route.targetType, id: targetIdOf(route, routeRequest, res, status, body) },
    request: {
      id: req.id,
      method: req.method,
      path: urlPath(req.originalUrl).slice(0, MAX_PATH_LENGTH),
    },
    status,
    details: detailsOf(route, routeRequest),
  };
}

/** Waits for the entry, at most {@link RECORD_WAIT_MS}; a failure is logged (with the entry), not answered. */
async function settle(recording: Promise<void>, entry: AuditEntry, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), RECORD_WAIT_MS);
  });
  const recorded = recording.then(
    () => 'recorded' as const,
    (error: unknown) => {
      logger.error({ err: error, audit: entry }, 'audit entry could not be recorded');
      return 'failed' as const;
    },
  );
  if ((await Promise.race([recorded, timeout])) === 'timeout') {
    logger.warn({ audit: entry }, `audit entry not recorded after ${RECORD_WAIT_MS} ms; answering without waiting`);
  }
  clearTimeout(timer);
}

/** The step of {@link auditTrail} among the response hooks (app.ts orders them). */
export const auditTrailStep = responseStep('audit-trail');

/**
 * Records every audited Management API write (see {@link auditedRoutes}) once its handler has
 * answered: the entry carries the status the client gets, and is written before the response
 * leaves, so a client that got its answer finds the entry. Runs after `bearerAuth`: requests it
 * refused (401, 403) have no authorized actor and are in the request log only.
 */
export function auditTrail(
  audit: AuditLogService,
  logger: Logger,
  routes: ReadonlyMap<AppRoute, AuditedRoute> = auditedRoutes(),
): RequestHandler {
  return (req, res, next) => {
    const route = routes.get((req as { tsRestRoute?: AppRoute }).tsRestRoute as AppRoute);
    const principal = res.locals.principal as Principal | undefined;
    if (!route || !principal) return next();

    const routeRequest: RouteRequest = { params: { ...req.params }, body: req.body };
    let body: unknown;
    onResponse(res, auditTrailStep, {
      beforeBody: (value) => {
        body = value;
        return undefined;
      },
      beforeEnd: ({ status }) => {
        const entry = entryOf(route, req, routeRequest, res, status, principal, body);
        return settle(audit.record(entry), entry, logger);
      },
    });
    next();
  };
}
