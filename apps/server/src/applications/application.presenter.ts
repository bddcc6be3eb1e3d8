import type {
  Application as ApplicationBody,
  FederatedCredential as FederatedCredentialBody,
} from '@realmkit/contract';
import type { Application } from './application.entity.ts';
import type { FederatedCredential } from './federated-credential.entity.ts';

/** The API shape of an application: never the secret's hash. */
export function presentApplication(application: Application): ApplicationBody {
  return {
    id: application.id,
    name: application.name,
    description: application.description ?? null,
    type: application.type,
    client_id: application.clientId,
    redirect_uris: application.redirectUris,
    post_logout_redirect_uris: application.postLogoutRedirectUris,
    grant_types: application.grantTypes,
    token_endpoint_auth_method: application.tokenEndpointAuthMethod,
    jwks: application.jwks ?? null,
    jwks_uri: application.jwksUri ?? null,
    dpop_bound_access_tokens: application.dpopBoundAccessTokens,
    require_dpop_nonce: application.requireDpopNonce,
    created_at: application.createdAt.toISOString(),
    updated_at: application.updatedAt.toISOString(),
  };
}

export function presentFederatedCredential(credential: FederatedCredential): FederatedCredentialBody {
  return {
    id: credential.id,
    name: credential.name,
    description: credential.description ?? null,
    issuer: credential.issuer,
    subject: credential.subject,
    audiences: credential.audiences,
    jwks_uri: credential.jwksUri ?? null,
    created_at: credential.createdAt.toISOString(),
  };
}
