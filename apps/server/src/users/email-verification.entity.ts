import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from '../db/timestamps.ts';

/** One requested verification email: its link expires, and works once. */
export const EmailVerificationEntity = defineEntity({
  name: 'EmailVerification',
  tableName: 'email_verifications',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    userId: p.uuid(),
    /** The address the link was sent to: it verifies only while the user still has it. */
    email: p.text(),
    createdAt: createdAt(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
  indexes: [
    { name: 'email_verifications_user_idx', columns: [{ name: 'userId' }, { name: 'createdAt', sort: 'desc' }] },
  ],
});
export type EmailVerification = InferEntity<typeof EmailVerificationEntity>;
