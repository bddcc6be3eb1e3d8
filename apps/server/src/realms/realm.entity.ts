import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const RealmEntity = defineEntity({
  name: 'Realm',
  tableName: 'realms',
  properties: {
    id: p.uuid().primary(),
    name: p.string(),
    displayName: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type Realm = InferEntity<typeof RealmEntity>;
