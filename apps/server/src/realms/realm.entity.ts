import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { timestamps } from '../db/timestamps.ts';

export const RealmEntity = defineEntity({
  name: 'Realm',
  tableName: 'realms',
  properties: {
    id: p.uuid().primary(),
    name: p.string(),
    displayName: p.string().nullable(),
    ...timestamps(),
  },
});
export type Realm = InferEntity<typeof RealmEntity>;
