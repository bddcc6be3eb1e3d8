import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { rowVersion } from '../db/row-version.ts';
import { timestamps } from '../db/timestamps.ts';

export const RealmEntity = defineEntity({
  name: 'Realm',
  tableName: 'realms',
  properties: {
    id: p.uuid().primary(),
    name: p.string(),
    displayName: p.string().nullable(),
    version: rowVersion(),
    ...timestamps(),
  },
});
export type Realm = InferEntity<typeof RealmEntity>;
