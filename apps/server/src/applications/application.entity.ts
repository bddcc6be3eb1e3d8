import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { APPLICATION_TYPES } from '@realmkit/contract';
import { versionAndTimestamps } from '../db/row-version.ts';

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
    ...versionAndTimestamps(),
  },
});
export type Application = InferEntity<typeof ApplicationEntity>;
