import { contract, type IntrospectionResponse } from '@realmkit/contract';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import type { ResourceService } from '../resources/resource.service.ts';
import { type AccessTokenService, boundKeyOf, InvalidAccessToken } from './access-tokens.ts';

export interface IntrospectionDeps {
  resources: ResourceService;
  tokens: AccessTokenService;
  issuers: Issuers;
}

const INACTIVE: IntrospectionResponse = { active: false };

/**
 * RFC 7662 token introspection, for a confidential client of the realm that has authenticated
 * (introspection.endpoint.ts). A token is active when it verifies as the Management API's bearer check would (this
 * realm's key, issuer, `typ`, times, an application that still exists, not revoked, a user who is
 * not suspended) and its audience is still one of the realm's resources or its userinfo endpoint;
 * otherwise the answer is `{ active: false }` and nothing more.
 */
export async function introspect(
  deps: IntrospectionDeps,
  realm: { id: string; name: string },
  token: string,
): Promise<IntrospectionResponse> {
  let claims: Awaited<ReturnType<AccessTokenService['verify']>>;
  try {
    claims = await deps.tokens.verify(realm, token);
  } catch (error) {
    if (error instanceof InvalidAccessToken) return INACTIVE;
    throw error;
  }
  const forUserinfo = claims.aud === deps.issuers.urlOf(contract.oauth.userinfo.path, realm.name);
  if (!forUserinfo && !(await deps.resources.findTarget(realm, claims.aud))) return INACTIVE;
  const jkt = boundKeyOf(claims);
  return {
    active: true,
    scope: claims.scope,
    client_id: claims.client_id,
    // RFC 9449 §6.2: a bound token is a DPoP token, and its key's thumbprint is told.
    token_type: jkt ? 'DPoP' : 'Bearer',
    ...(jkt ? { cnf: { jkt } } : {}),
    exp: claims.exp,
    iat: claims.iat,
    ...(typeof claims.nbf === 'number' ? { nbf: claims.nbf } : {}),
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    jti: claims.jti,
    ...(claims.act === undefined ? {} : { act: claims.act }),
  };
}
