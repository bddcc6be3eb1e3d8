import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from '../db/timestamps.ts';

/**
 * A workload identity an application trusts (workload identity federation): a JWT its platform
 * issued with exactly `issuer` and `subject`, and one of `audiences`, authenticates the application.
 */
export const FederatedCredentialEntity = defineEntity({
  name: 'FederatedCredential',
  tableName: 'federated_credentials',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    applicationId: p.uuid(),
    name: p.text(),
    description: p.text().nullable(),
    issuer: p.text(),
    subject: p.text(),
    audiences: p.json<string[]>(),
    /** The issuer's keys when it serves no discovery document. */
    jwksUri: p.text().nullable(),
    createdAt: createdAt(),
  },
  uniques: [
    { name: 'federated_credentials_name_unique', properties: ['applicationId', 'name'] },
    { name: 'federated_credentials_subject_unique', properties: ['applicationId', 'issuer', 'subject'] },
  ],
  indexes: [{ name: 'federated_credentials_realm_id_idx', properties: ['realmId', 'applicationId'] }],
});
export type FederatedCredential = InferEntity<typeof FederatedCredentialEntity>;
