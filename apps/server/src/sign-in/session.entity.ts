import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { SESSION_IP_MAX_LENGTH, SESSION_USER_AGENT_MAX_LENGTH } from '@realmkit/contract';
import { createdAt } from '../db/timestamps.ts';

/**
 * A user's login session in one realm, behind the realm's session cookie (`<id>.<secret>`): the
 * single sign-on that lets a second application skip the login form. Kept in the database so that
 * every instance sees it; it ends after SESSION_IDLE_TTL_SECONDS unused or at `expiresAt`.
 */
export const SessionEntity = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    userId: p.uuid(),
    /** SHA-256 of the cookie's secret half; never leaves the server. */
    secretHash: p.text().hidden(),
    /** When the user last typed their password (OIDC `auth_time`). */
    authTime: p.datetime(),
    createdAt: createdAt(),
    lastActiveAt: p.datetime(),
    /** The absolute end, SESSION_MAX_TTL_SECONDS after sign-in. */
    expiresAt: p.datetime(),
    /** Where the sign-in came from (`req.ip`) and its browser's User-Agent, cut to the contract's bounds. */
    ip: p.string().length(SESSION_IP_MAX_LENGTH).nullable(),
    userAgent: p.string().length(SESSION_USER_AGENT_MAX_LENGTH).nullable(),
  },
  indexes: [{ name: 'sessions_user_idx', properties: ['realmId', 'userId'] }],
});
export type Session = InferEntity<typeof SessionEntity>;
