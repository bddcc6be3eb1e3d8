import { type AppRoute, type AppRouter, isAppRoute } from '@ts-rest/core';
import type { ParameterObject } from 'openapi3-ts/oas31';
import type { RouteMetadata } from '../common/metadata.ts';
import { singular } from '../common/naming.ts';

/** One route of the contract and where it sits: `['users', 'setPassword']`. */
export interface RouteEntry {
  key: string[];
  route: AppRoute;
}

/** What the generator knows of one route while it writes the route's operation. */
export interface RouteFacts {
  /** The OpenAPI path: `/api/v1/{realm}/users/{id}`. */
  path: string;
  route: AppRoute;
  metadata: RouteMetadata;
  /** Its path and query parameters. */
  parameters: ParameterObject[];
  /** Properties of the JSON body, if the route takes one. */
  bodyFields: string[];
}

/** Every route of `router`, depth first, in the contract's order. */
export function* walk(router: AppRouter, key: string[] = []): Generator<RouteEntry> {
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

/** ts-rest's `c.noBody()`, a symbol: the route takes or answers no body. */
export function isNoBody(schema: unknown): boolean {
  return typeof schema === 'symbol';
}

function isParameter(segment: string): boolean {
  return /^\{.+\}$/.test(segment);
}

/**
 * The item a path names last, from the collection before its last parameter other than `{realm}`:
 * `/api/v1/{realm}/users/{id}/roles/{roleId}` → `role`; `undefined` when the path names only a realm.
 */
export function itemOf(path: string): string | undefined {
  const segments = path.split('/');
  for (let index = segments.length - 1; index > 0; index--) {
    const segment = segments[index] ?? '';
    const previous = segments[index - 1] ?? '';
    if (isParameter(segment) && segment !== '{realm}' && !isParameter(previous)) return singular(previous);
  }
  return undefined;
}

/** What the operation creates or changes: the collection it posts to, else the item it names. */
export function subjectOf(path: string): string | undefined {
  const last = path.split('/').at(-1) ?? '';
  if (!isParameter(last) && /^[a-z]+s$/.test(last)) return singular(last);
  return itemOf(path);
}
