import {
  AUTHORIZE_PATH,
  CLIENT_ASSERTION_ALGORITHMS,
  CODE_CHALLENGE_METHODS,
  contract,
  DPOP_SIGNING_ALGORITHMS,
  END_SESSION_PATH,
  ID_TOKEN_CLAIMS,
  OIDC_SCOPES,
  PROMPT_VALUES,
  RESPONSE_TYPES,
} from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import type { SigningKeyService } from '../keys/signing-key.service.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import type { RealmService } from '../realms/realm.service.ts';
import { managementScopesOf } from '../resources/resource.service.ts';
import { CLIENT_AUTH_METHOD_NAMES, CONFIDENTIAL_CLIENT_AUTH_METHODS } from './client-auth/index.ts';
import { GRANT_TYPE_NAMES } from './grants/index.ts';

/** The OAuth routes ts-rest serves: JWKS and discovery (the others are served on their own). */
const {
  token: _servedByTokenEndpoint,
  introspect: _servedByIntrospectionEndpoint,
  revoke: _servedByRevocationEndpoint,
  userinfo: _servedByUserinfoEndpoint,
  userinfoPost: _servedByUserinfoEndpointToo,
  ...discoveryContract
} = contract.oauth;

export { discoveryContract };

/** JWKS and discovery documents of each realm (RFC 8414, OpenID Connect Discovery). */
export function discoveryRoutes(realms: RealmService, keys: SigningKeyService, issuers: Issuers) {
  const metadata = async (ref: string) => {
    const realm = await realms.get(ref);
    const issuer = issuers.issuerOf(realm.name);
    const { algorithms } = await keys.verificationKeys(realm.id);
    return {
      status: 200 as const,
      body: {
        issuer,
        authorization_endpoint: issuers.urlOf(AUTHORIZE_PATH, realm.name),
        token_endpoint: issuers.urlOf(contract.oauth.token.path, realm.name),
        userinfo_endpoint: issuers.urlOf(contract.oauth.userinfo.path, realm.name),
        end_session_endpoint: issuers.urlOf(END_SESSION_PATH, realm.name),
        revocation_endpoint: issuers.urlOf(contract.oauth.revoke.path, realm.name),
        revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHOD_NAMES,
        jwks_uri: issuers.urlOf(contract.oauth.jwks.path, realm.name),
        grant_types_supported: GRANT_TYPE_NAMES,
        token_endpoint_auth_methods_supported: CLIENT_AUTH_METHOD_NAMES,
        // RFC 8414 §2: what `private_key_jwt` assertions may be signed with.
        token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
        introspection_endpoint: issuers.urlOf(contract.oauth.introspect.path, realm.name),
        introspection_endpoint_auth_methods_supported: CONFIDENTIAL_CLIENT_AUTH_METHODS,
        introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
        // RFC 9449 §5.1: DPoP at the token endpoint and every resource this server serves.
        dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGORITHMS],
        scopes_supported: [...OIDC_SCOPES, ...managementScopesOf(realm.name)],
        response_types_supported: [...RESPONSE_TYPES],
        response_modes_supported: ['query'],
        code_challenge_methods_supported: [...CODE_CHALLENGE_METHODS],
        prompt_values_supported: [...PROMPT_VALUES],
        // RFC 9207: authorization responses carry `iss`.
        authorization_response_iss_parameter_supported: true,
        claims_supported: [...ID_TOKEN_CLAIMS],
        // The algorithms of the published keys, the active key's first: what tokens are signed with.
        id_token_signing_alg_values_supported: algorithms,
        subject_types_supported: ['public'],
      },
    };
  };
  return initServer().router(discoveryContract, {
    jwks: async ({ params, res }) => {
      const realm = await realms.get(params.realm);
      res.set('Cache-Control', 'public, max-age=300');
      return { status: 200, body: await keys.jwks(realm.id) };
    },
    openidConfiguration: async ({ params }) => metadata(params.realm),
    authorizationServerMetadataInRealm: async ({ params }) => metadata(params.realm),
    authorizationServerMetadata: async ({ params }) => metadata(params.realm),
  });
}
