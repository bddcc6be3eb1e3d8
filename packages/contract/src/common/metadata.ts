import type { ManagementScope } from './scopes.ts';

/**
 * What the server needs to know about a route beyond its shape. The server's one scope
 * middleware, the OpenAPI `security` requirements and the SDK all read it from here.
 */
export interface RouteMetadata {
  /** Scope the bearer token must hold. Routes without it are public. */
  readonly scope?: ManagementScope;
  /** Only master-realm tokens may call it (the realms API). */
  readonly masterOnly?: boolean;
  /**
   * The route reads or writes one resource that has a strong `ETag` (its version): GETs honour
   * `If-None-Match` (304), PATCH/PUT/DELETE honour `If-Match` (412), and responses carrying the
   * resource carry its `ETag`.
   */
  readonly etag?: boolean;
  /** OpenAPI tag. */
  readonly tag: string;
}

/** Metadata of a route protected by a Management API scope. */
export function requires(scope: ManagementScope, tag: string, options: { masterOnly?: boolean; etag?: boolean } = {}) {
  return { scope, tag, ...options } as const satisfies RouteMetadata;
}

/** Metadata of a public route (OAuth endpoints, discovery). */
export function publicRoute(tag: string) {
  return { tag } as const satisfies RouteMetadata;
}
