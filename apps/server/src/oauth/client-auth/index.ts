import { CLIENT_SECRET_METHODS, type TokenEndpointAuthMethod } from '@realmkit/contract';
import type { Application } from '../../applications/application.entity.ts';
import type { HotPathCache } from '../../hot-path/hot-path.service.ts';
import { OAuthError } from '../../oauth-protocol/oauth-error.ts';
import type { ClientAuthMethod, ClientAuthRealm, ClientAuthRequest, ClientVerifier } from './client-auth-method.ts';
import { clientSecretBasic } from './client-secret-basic.ts';
import { clientSecretPost } from './client-secret-post.ts';
import { none } from './none.ts';
import { privateKeyJwt } from './private-key-jwt.ts';

export type { ClientAuthRealm, ClientAuthRequest, ClientVerifier } from './client-auth-method.ts';

/**
 * Every client authentication method, by its RFC 7591 name: the token and introspection endpoints
 * authenticate through this table, and discovery lists its names. A new method is one module and
 * one line here (and its name in the contract's TOKEN_ENDPOINT_AUTH_METHODS).
 */
export const clientAuthMethods = {
  client_secret_basic: clientSecretBasic,
  client_secret_post: clientSecretPost,
  private_key_jwt: privateKeyJwt,
  none,
} as const satisfies Record<TokenEndpointAuthMethod, ClientAuthMethod>;

export const CLIENT_AUTH_METHOD_NAMES = Object.keys(clientAuthMethods) as TokenEndpointAuthMethod[];

/** The methods that prove who the client is: introspection answers only such clients (RFC 7662 §2.1). */
export const CONFIDENTIAL_CLIENT_AUTH_METHODS = CLIENT_AUTH_METHOD_NAMES.filter((name) => name !== 'none');

const SECRET_METHODS: ReadonlySet<TokenEndpointAuthMethod> = new Set(CLIENT_SECRET_METHODS);

/** Whether a client registered with `registered` may authenticate with `used` (decision 0018). */
function admits(registered: TokenEndpointAuthMethod, used: TokenEndpointAuthMethod): boolean {
  return registered === used || (SECRET_METHODS.has(registered) && SECRET_METHODS.has(used));
}

/** Clients read through the hot-path cache, secrets checked by `verifier` (the application service). */
export function clientsThrough(cache: Pick<HotPathCache, 'application'>, verifier: ClientVerifier): ClientAuthDeps {
  return { findClient: (realmId, clientId) => cache.application(realmId, clientId), verifier };
}

export interface ClientAuthDeps {
  /** The application by its client id (through the hot-path cache). */
  findClient(realmId: string, clientId: string): Promise<Application | null>;
  verifier: ClientVerifier;
}

/**
 * The application a token or introspection request authenticates as (RFC 6749 §2.3), by the one
 * method whose credentials it carries, which must be one of `accepted` and one the application is
 * registered for. Anything else is `invalid_client`, the same for an unknown client, a wrong proof
 * and a method the client may not use, and after the same work.
 *
 * With the rate limits on (`request.guard`, decision 0022): an address that failed too often for
 * the client_id is refused (`rate_limited`) before the proof is checked; a failed proof counts
 * against it; an authenticated request counts against the client's own quota, and may be refused
 * past it.
 */
export async function authenticateClient(
  realm: ClientAuthRealm,
  request: ClientAuthRequest,
  deps: ClientAuthDeps,
  accepted: readonly TokenEndpointAuthMethod[] = CLIENT_AUTH_METHOD_NAMES,
): Promise<Application> {
  const presented = CLIENT_AUTH_METHOD_NAMES.filter((name) => clientAuthMethods[name].presentedIn(request));
  if (presented.length > 1) throw new OAuthError('invalid_request', 'Use one client authentication method, not both');
  const used = presented[0];
  if (used === undefined || !accepted.includes(used)) {
    throw new OAuthError('invalid_client', `Client authentication is required (${accepted.join(' or ')})`);
  }
  const method = clientAuthMethods[used];
  const claimed = method.read(request);
  const { guard } = request;
  await guard?.admit(claimed.clientId);
  const found = claimed.clientId ? await deps.findClient(realm.id, claimed.clientId) : null;
  const client = found && admits(found.tokenEndpointAuthMethod, used) ? found : null;
  let proven: boolean;
  try {
    proven = await method.verify(client, claimed, deps.verifier, realm);
  } catch (error) {
    if (error instanceof OAuthError && error.code === 'invalid_client') await guard?.failed(claimed.clientId);
    throw error;
  }
  if (!client || !proven) {
    await guard?.failed(claimed.clientId);
    throw new OAuthError('invalid_client', 'Client authentication failed');
  }
  await guard?.succeeded(client.clientId);
  return client;
}
