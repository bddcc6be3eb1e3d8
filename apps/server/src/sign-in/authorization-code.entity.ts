import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from '../db/timestamps.ts';

/**
 * An authorization code (RFC 6749 §4.1.2): single use, short-lived, bound to its client, redirect
 * URI and PKCE challenge. What its exchange issues is named after it (the refresh token family and
 * the first access token's `jti` are its id), so that a second use can revoke that (RFC 6749 §4.1.2).
 */
export const AuthorizationCodeEntity = defineEntity({
  name: 'AuthorizationCode',
  tableName: 'authorization_codes',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    /** SHA-256 of the code; never leaves the server. */
    codeHash: p.text().hidden(),
    applicationId: p.uuid(),
    userId: p.uuid(),
    sessionId: p.uuid(),
    redirectUri: p.text(),
    /** RFC 7636 S256 challenge. */
    codeChallenge: p.text(),
    scope: p.text(),
    resource: p.text().nullable(),
    nonce: p.text().nullable(),
    authTime: p.datetime(),
    createdAt: createdAt(),
    expiresAt: p.datetime(),
    consumedAt: p.datetime().nullable(),
  },
  uniques: [{ name: 'authorization_codes_code_hash_unique', properties: ['codeHash'] }],
});
export type AuthorizationCode = InferEntity<typeof AuthorizationCodeEntity>;
