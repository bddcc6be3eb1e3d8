import type { IntrospectionResponse } from '@realmkit/contract';
import type { ApplicationService } from '../applications/application.service.ts';
import type { ResourceService } from '../resources/resource.service.ts';
import { type AccessTokenService, InvalidAccessToken } from './access-tokens.ts';
import { OAuthError } from './oauth-error.ts';

export interface IntrospectionDeps {
  applications: ApplicationService;
  resources: ResourceService;
  tokens: AccessTokenService;
}

export interface IntrospectionRequest {
  realm: { id: string; name: string };
  clientId: string;
  clientSecret: string;
  token: string;
}

const INACTIVE: IntrospectionResponse = { active: false };

/**
 * RFC 7662 token introspection. The caller is a confidential client of the realm (only those have
 * secrets). A token is active when it verifies as the Management API's bearer check would (this
 * realm's key, issuer, `typ`, times, an application that still exists) and its audience is still
 * one of the realm's resources; otherwise the answer is `{ active: false }` and nothing more.
 */
export async function introspect(
  deps: IntrospectionDeps,
  request: IntrospectionRequest,
): Promise<IntrospectionResponse> {
  const caller = await deps.applications.authenticate(request.realm.id, request.clientId, request.clientSecret);
  if (!caller) throw new OAuthError('invalid_client', 'Client authentication failed');

  let claims: Awaited<ReturnType<AccessTokenService['verify']>>;
  try {
    claims = await deps.tokens.verify(request.realm, request.token);
  } catch (error) {
    if (error instanceof InvalidAccessToken) return INACTIVE;
    throw error;
  }
  if (!(await deps.resources.findTarget(request.realm.id, claims.aud))) return INACTIVE;
  return {
    active: true,
    scope: claims.scope,
    client_id: claims.client_id,
    token_type: 'Bearer',
    exp: claims.exp,
    iat: claims.iat,
    ...(typeof claims.nbf === 'number' ? { nbf: claims.nbf } : {}),
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    jti: claims.jti,
  };
}
