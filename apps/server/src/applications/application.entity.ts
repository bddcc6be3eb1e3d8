import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { APPLICATION_TYPES, type GrantType, TOKEN_ENDPOINT_AUTH_METHODS } from '@realmkit/contract';
import { rowVersion } from '../db/row-version.ts';
import { timestamps } from '../db/timestamps.ts';

export const ApplicationEntity = defineEntity({
  name: 'Application',
  tableName: 'applications',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    name: p.string(),
    description: p.string().nullable(),
    type: p.enum(APPLICATION_TYPES),
    clientId: p.string(),
    /** HMAC-SHA-256 of the client secret (confidential types only); never leaves the server. */
    clientSecretHash: p.string().nullable().hidden(),
    /** HMAC of the secret a rotation replaced, which keeps working until `previousClientSecretExpiresAt`. */
    previousClientSecretHash: p.string().nullable().hidden(),
    previousClientSecretExpiresAt: p.datetime().nullable(),
    redirectUris: p.json<string[]>(),
    /** RFC 7591 `grant_types`: the grants the token endpoint lets this client use. */
    grantTypes: p.array<GrantType>(),
    /** RFC 7591 `token_endpoint_auth_method`. */
    tokenEndpointAuthMethod: p.enum(TOKEN_ENDPOINT_AUTH_METHODS),
    version: rowVersion(),
    ...timestamps(),
  },
});
export type Application = InferEntity<typeof ApplicationEntity>;
