import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { APPLICATION_TYPES, type ClientJwks, type GrantType, TOKEN_ENDPOINT_AUTH_METHODS } from '@realmkit/contract';
import { versionAndTimestamps } from '../db/row-version.ts';

export const ApplicationEntity = defineEntity({
  name: 'Application',
  tableName: 'applications',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    name: p.text(),
    description: p.text().nullable(),
    type: p.enum(APPLICATION_TYPES),
    clientId: p.text(),
    /** HMAC-SHA-256 of the client secret (confidential types only); never leaves the server. */
    clientSecretHash: p.text().nullable().hidden(),
    /** The id of the secret key (SecretKey.id) the hash was made with: a rotation of the key re-hashes it lazily. */
    clientSecretKeyId: p.text().nullable().hidden(),
    /** HMAC of the secret a rotation replaced, which keeps working until `previousClientSecretExpiresAt`. */
    previousClientSecretHash: p.text().nullable().hidden(),
    previousClientSecretKeyId: p.text().nullable().hidden(),
    previousClientSecretExpiresAt: p.datetime().nullable(),
    redirectUris: p.json<string[]>().defaultRaw("'[]'"),
    /** Where RP-initiated logout may send the user back to (OIDC RP-Initiated Logout 1.0 §3.1). */
    postLogoutRedirectUris: p.json<string[]>().defaultRaw("'[]'"),
    /** RFC 7591 `grant_types`: the grants the token endpoint lets this client use. */
    grantTypes: p.array<GrantType>(),
    /** RFC 7591 `token_endpoint_auth_method`. */
    tokenEndpointAuthMethod: p.enum(TOKEN_ENDPOINT_AUTH_METHODS),
    /** RFC 7591 `jwks`: the public keys its `private_key_jwt` assertions are signed with. */
    jwks: p.json<ClientJwks>().nullable(),
    /** RFC 7591 `jwks_uri`: where it publishes them instead (never both). */
    jwksUri: p.text().nullable(),
    /** RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request of this client must carry a DPoP proof. */
    dpopBoundAccessTokens: p.boolean().default(false),
    /** Whether this client's DPoP proofs must carry a server nonce (RFC 9449 §8), whatever its realm asks. */
    requireDpopNonce: p.boolean().default(false),
    ...versionAndTimestamps(),
  },
  checks: [{ name: 'applications_one_key_source', expression: 'jwks is null or jwks_uri is null' }],
  uniques: [{ name: 'applications_client_id_unique', properties: ['clientId'] }],
  indexes: [{ name: 'applications_realm_id_idx', properties: ['realmId', 'id'] }],
});
export type Application = InferEntity<typeof ApplicationEntity>;
