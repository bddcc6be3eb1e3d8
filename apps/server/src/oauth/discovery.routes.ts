import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import type { RealmService } from '../realms/realm.service.ts';
import { managementScopesOf } from '../resources/resource.service.ts';
import type { Issuers } from './issuer.ts';
import type { SigningKeyService } from './signing-keys.ts';

/** The OAuth routes ts-rest serves: all but the token endpoint (see token.endpoint.ts). */
const { token: _servedByTokenEndpoint, ...discoveryContract } = contract.oauth;

export { discoveryContract };

/** JWKS and discovery documents of each realm (RFC 8414, OpenID Connect Discovery). */
export function discoveryRoutes(realms: RealmService, keys: SigningKeyService, issuers: Issuers) {
  const metadata = async (ref: string) => {
    const realm = await realms.get(ref);
    const issuer = issuers.issuerOf(realm.name);
    return {
      status: 200 as const,
      body: {
        issuer,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        scopes_supported: [...managementScopesOf(realm.name)],
        response_types_supported: ['token'],
        id_token_signing_alg_values_supported: ['RS256'],
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
