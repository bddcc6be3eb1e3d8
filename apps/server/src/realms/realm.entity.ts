import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { SIGNING_ALGORITHMS } from '@realmkit/contract';
import { versionAndTimestamps } from '../db/row-version.ts';

export const RealmEntity = defineEntity({
  name: 'Realm',
  tableName: 'realms',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    displayName: p.text().nullable(),
    /** The algorithm of the realm's active signing key; changing it rotates the key. */
    signingAlgorithm: p.enum(SIGNING_ALGORITHMS).default('RS256'),
    ...versionAndTimestamps(),
  },
  uniques: [{ name: 'realms_name_unique', properties: ['name'] }],
});
export type Realm = InferEntity<typeof RealmEntity>;
