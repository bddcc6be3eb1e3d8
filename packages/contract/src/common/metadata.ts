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
  /** OpenAPI tag. */
  readonly tag: string;
  /**
   * RFC 6749 errors an OAuth endpoint answers with, each with an example description; the OpenAPI
   * document lists only these (default: the token endpoint's).
   */
  readonly oauthErrors?: Readonly<Record<string, string>>;
  /** Answers without the database (liveness), so never with its 503. */
  readonly withoutDatabase?: boolean;
}

/** Metadata of a route protected by a Management API scope. */
export function requires(scope: ManagementScope, tag: string, options: { masterOnly?: boolean } = {}) {
  return { scope, tag, ...options } as const satisfies RouteMetadata;
}

/** Metadata of a public route (OAuth endpoints, discovery, probes). */
export function publicRoute(
  tag: string,
  options: { oauthErrors?: RouteMetadata['oauthErrors']; withoutDatabase?: boolean } = {},
): RouteMetadata {
  return { tag, ...options };
}
