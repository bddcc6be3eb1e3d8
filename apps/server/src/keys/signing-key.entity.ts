import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { SIGNING_ALGORITHMS } from '@realmkit/contract';
import { createdAt } from '../db/timestamps.ts';

export const SIGNING_KEY_STATUSES = ['active', 'retiring'] as const;

export const SigningKeyEntity = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_keys',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    kid: p.text(),
    algorithm: p.enum(SIGNING_ALGORITHMS),
    status: p.enum(SIGNING_KEY_STATUSES),
    publicJwk: p.json<Record<string, unknown>>(),
    /** PKCS#8 PEM sealed with the key derived from REALMKIT_SECRET_KEY. */
    privateKeySealed: p.text().hidden(),
    /** The longest lifetime (s) of a token this key has signed: how long it must stay published after retiring. */
    maxTokenTtl: p.integer().default(0),
    createdAt: createdAt(),
    /** When a retiring key leaves the JWKS (after the last token it signed expires); `null` while active. */
    expiresAt: p.datetime().nullable(),
  },
  uniques: [
    { name: 'signing_keys_kid_unique', properties: ['kid'] },
    { name: 'signing_keys_one_active', properties: ['realmId'], where: "status = 'active'" },
  ],
  indexes: [{ name: 'signing_keys_realm_idx', properties: ['realmId'] }],
});
export type SigningKey = InferEntity<typeof SigningKeyEntity>;
