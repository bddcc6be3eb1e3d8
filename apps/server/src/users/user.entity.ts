import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { versionAndTimestamps } from '../db/row-version.ts';
import { createdAt } from '../db/timestamps.ts';

export const UserEntity = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    email: p.text(),
    username: p.text().nullable(),
    name: p.text().nullable(),
    givenName: p.text().nullable(),
    familyName: p.text().nullable(),
    /** argon2id, in PHC string form; never leaves the server. */
    passwordHash: p.text().nullable().hidden(),
    isSuspended: p.boolean().default(false),
    emailVerified: p.boolean().default(false),
    ...versionAndTimestamps(),
  },
  indexes: [{ name: 'users_realm_id_idx', properties: ['realmId', 'id'] }],
});
export type User = InferEntity<typeof UserEntity>;

export const UserIdentityEntity = defineEntity({
  name: 'UserIdentity',
  tableName: 'user_identities',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    userId: p.uuid(),
    provider: p.text(),
    providerUserId: p.text(),
    details: p.json<Record<string, unknown>>().defaultRaw("'{}'"),
    createdAt: createdAt(),
  },
  uniques: [{ name: 'user_identities_provider_unique', properties: ['realmId', 'provider', 'providerUserId'] }],
  indexes: [{ name: 'user_identities_user_idx', properties: ['userId'] }],
});
export type UserIdentity = InferEntity<typeof UserIdentityEntity>;
