import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from '../db/timestamps.ts';

export const SIGNING_KEY_STATUSES = ['active', 'retiring'] as const;

export const SigningKeyEntity = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_keys',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    kid: p.string(),
    algorithm: p.string(),
    status: p.enum(SIGNING_KEY_STATUSES),
    publicJwk: p.json<Record<string, unknown>>(),
    /** PKCS#8 PEM sealed with the key derived from REALMKIT_SECRET_KEY. */
    privateKeySealed: p.text().hidden(),
    createdAt: createdAt(),
    /** When a retiring key leaves the JWKS (after the last token it signed expires). */
    expiresAt: p.datetime().nullable(),
  },
});
export type SigningKey = InferEntity<typeof SigningKeyEntity>;
