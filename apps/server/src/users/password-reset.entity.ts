import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from '../db/timestamps.ts';

/** One requested password reset email: its link expires after PASSWORD_RESET_LINK_TTL_MINUTES, and works once. */
export const PasswordResetEntity = defineEntity({
  name: 'PasswordReset',
  tableName: 'password_resets',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    userId: p.uuid(),
    /** The address the link was sent to: it resets only while the user still has it. */
    email: p.text(),
    createdAt: createdAt(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
  indexes: [{ name: 'password_resets_user_idx', columns: [{ name: 'userId' }, { name: 'createdAt', sort: 'desc' }] }],
});
export type PasswordReset = InferEntity<typeof PasswordResetEntity>;
