import { type Contract, contract, type RouteMetadata, singular } from '@realmkit/contract';
import { type AppRoute, type AppRouter, isAppRoute } from '@ts-rest/core';
import { z } from 'zod';

/** What the audit trail records of one contract route, derived once from the route itself. */
export interface AuditedRoute {
  /** `<noun>.<what happened>`: `user.created`, `application.secret_rotated`, `role.scopes_assigned`. */
  readonly action: string;
  /** What the route changes: `user`, `application`, `scope`, `realm`... */
  readonly targetType: string;
  /** The path parameter naming the target; none when the route creates it (the id is in the response). */
  readonly targetParam: string | undefined;
  /** Body fields whose names are recorded (never their values). */
  readonly bodyFields: readonly string[];
  /** Body fields that are lists of ids (`role_ids`, `scope_ids`), recorded as they are. */
  readonly idListFields: readonly string[];
  /** Other path parameters and the detail each is recorded as: `roleId` → `role_id`, a parent `id` → `resource_id`. */
  readonly detailParams: Readonly<Record<string, string>>;
}

/**
 * The past tense of each verb that starts a write route's name in the contract. A new verb fails
 * the server's start (and its tests) until it is added here: actions are never made up per route.
 * `reset` is `set`: resetting a password (the users API by realm name) is setting it, as v1 says.
 */
const PAST_TENSE: Readonly<Record<string, string>> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  set: 'set',
  reset: 'set',
  rotate: 'rotated',
  assign: 'assigned',
  remove: 'removed',
  send: 'sent',
  end: 'ended',
  clear: 'cleared',
};

/** Verbs whose object, when the route name has one, is itself the target (`createScope` → a scope). */
const ITEM_VERBS = new Set(['create', 'update', 'delete']);

function isParam(segment: string): boolean {
  return segment.startsWith(':');
}

/** The collection a path addresses first: `/api/v1/:realm/users/...` and `/api/users/...` → `users`. */
function collectionOf(path: string): string {
  const segment = path.split('/').find((s) => s !== '' && s !== 'api' && !/^v\d+$/.test(s) && !isParam(s));
  if (!segment) throw new Error(`No collection in ${path}`);
  return segment;
}

/** The parameter right after the collection of `type` in the path: `/resources/:id/scopes/:scopeId`, `scope` → `scopeId`. */
function paramAfter(path: string, type: string): string | undefined {
  const segments = path.split('/');
  // A hyphenated collection names a snake_case type: `federated-credentials` → `federated_credential`.
  const index = segments.findIndex((segment) => !isParam(segment) && singular(segment).replaceAll('-', '_') === type);
  const next = index >= 0 ? segments[index + 1] : undefined;
  return next && isParam(next) ? next.slice(1) : undefined;
}

/** Path parameters besides `{realm}` and the target's, each with the name of its detail. */
function detailParamsOf(path: string, noun: string, targetParam: string | undefined): Record<string, string> {
  const params = path
    .split('/')
    .filter(isParam)
    .map((segment) => segment.slice(1))
    .filter((param) => param !== 'realm' && param !== targetParam);
  return Object.fromEntries(
    params.map((param) => [
      param,
      param === 'id' ? `${noun}_id` : param.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
    ]),
  );
}

function bodyKeysOf(route: AppRoute): string[] {
  const body = 'body' in route ? route.body : undefined;
  return body instanceof z.ZodObject ? Object.keys(body.shape) : [];
}

/** A route the audit trail records: a write (not GET) that needs a scope other than a `:read` one. */
function isAuditedWrite(route: AppRoute): boolean {
  const scope = (route.metadata as RouteMetadata | undefined)?.scope;
  return route.method !== 'GET' && scope !== undefined && !scope.endsWith(':read');
}

/** Derives the audit facts of one write route from its name (`setPassword`) and its path. */
export function auditedRouteOf(name: string, route: AppRoute): AuditedRoute {
  const [verb = '', ...objectWords] = name.split(/(?=[A-Z])/).map((word) => word.toLowerCase());
  const past = PAST_TENSE[verb];
  if (!past) throw new Error(`Audit: no past tense for the verb "${verb}" of route ${name} (${route.path})`);
  const noun = singular(collectionOf(route.path));
  const object = objectWords.join('_');
  const targetType = object && ITEM_VERBS.has(verb) ? singular(object) : noun;
  const targetParam = paramAfter(route.path, targetType);
  if (!targetParam && !(verb === 'create' && route.method === 'POST')) {
    throw new Error(`Audit: route ${name} (${route.path}) names no ${targetType} and creates none`);
  }
  const bodyFields = bodyKeysOf(route);
  return {
    action: `${noun}.${object ? `${object}_${past}` : past}`,
    targetType,
    targetParam,
    bodyFields,
    idListFields: bodyFields.filter((field) => field.endsWith('_ids')),
    detailParams: detailParamsOf(route.path, noun, targetParam),
  };
}

function* writeRoutes(router: AppRouter): Generator<[string, AppRoute]> {
  for (const [name, value] of Object.entries(router)) {
    if (isAppRoute(value)) {
      if (isAuditedWrite(value)) yield [name, value];
    } else {
      yield* writeRoutes(value as AppRouter);
    }
  }
}

/** Every audited route of `router`, keyed by the route object that ts-rest hands each request. */
export function auditedRoutes(router: AppRouter = contract satisfies Contract): ReadonlyMap<AppRoute, AuditedRoute> {
  return new Map([...writeRoutes(router)].map(([name, route]) => [route, auditedRouteOf(name, route)]));
}
