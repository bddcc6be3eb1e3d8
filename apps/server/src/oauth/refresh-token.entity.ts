import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from '../db/timestamps.ts';

/**
 * A refresh token (RFC 6749 §6). Every use rotates it: the row is marked used and a new one of the
 * same family is issued. Presenting a used one again revokes the whole family (RFC 9700 §4.14.2).
 */
export const RefreshTokenEntity = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    /** Every token rotated from one sign-in (one code exchange). */
    familyId: p.uuid(),
    /** SHA-256 of the token; never leaves the server. */
    tokenHash: p.text().hidden(),
    applicationId: p.uuid(),
    userId: p.uuid(),
    sessionId: p.uuid().nullable(),
    scope: p.text(),
    resource: p.text().nullable(),
    /** A public client's refresh tokens are bound to its DPoP key, by RFC 7638 thumbprint (RFC 9449 §5). */
    dpopJkt: p.text().nullable(),
    authTime: p.datetime(),
    createdAt: createdAt(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
  uniques: [{ name: 'refresh_tokens_token_hash_unique', properties: ['tokenHash'] }],
  indexes: [
    { name: 'refresh_tokens_family_idx', properties: ['familyId'] },
    { name: 'refresh_tokens_user_idx', properties: ['realmId', 'userId'] },
  ],
});
export type RefreshToken = InferEntity<typeof RefreshTokenEntity>;

/** An access token revoked before its `exp` (RFC 7009): userinfo, introspection and the APIs refuse it until then. */
export const RevokedAccessTokenEntity = defineEntity({
  name: 'RevokedAccessToken',
  tableName: 'revoked_access_tokens',
  properties: {
    jti: p.uuid().primary(),
    realmId: p.uuid(),
    expiresAt: p.datetime(),
  },
});
