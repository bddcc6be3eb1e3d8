import type { OAuthErrorCode } from '../oauth/oauth-errors.ts';
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
  /**
   * With `etag`: a POST that acts on an existing resource (rotating an application's secret, a
   * realm's signing keys) rather than creating one. Like a PATCH it honours `If-Match` /
   * `If-None-Match` against that resource's `ETag` (412) and answers its new `ETag`.
   */
  readonly action?: boolean;
  /**
   * The route hashes or checks a password (argon2id, an imported bcrypt hash): its 503 may also be
   * `password_checks_busy`, when the instance has as many of them running and waiting as it takes.
   */
  readonly passwordWork?: boolean;
  /** OpenAPI tag. */
  readonly tag: string;
  /**
   * The RFC 6749 errors an OAuth endpoint answers with (of `OAUTH_ERRORS`): the OpenAPI document
   * lists these, by the status each answers with.
   */
  readonly oauthErrors?: readonly OAuthErrorCode[];
  /** Called with the access token of a user's sign-in (userinfo), not a client's. */
  readonly userToken?: boolean;
}

/**
 * Metadata of a route protected by a Management API scope. Its options keep their literal types
 * (`etag: true`), so that the headers and statuses `withMiddleware` derives from them are typed too.
 */
export function requires<
  const O extends { masterOnly?: boolean; etag?: boolean; action?: boolean; passwordWork?: boolean } = Record<
    never,
    never
  >,
>(scope: ManagementScope, tag: string, options: O = {} as O) {
  return { scope, tag, ...options } satisfies RouteMetadata;
}

/** Metadata of a public route (OAuth endpoints, discovery, probes). */
export function publicRoute(
  tag: string,
  options: Pick<RouteMetadata, 'oauthErrors' | 'userToken'> = {},
): RouteMetadata {
  return { tag, ...options };
}
