import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { MAX_AUDIT_IP_LENGTH, MAX_AUDIT_USER_AGENT_LENGTH } from '@realmkit/contract';
import { createdAt } from '../db/timestamps.ts';

/** Ids a write named besides its target, and the names (never the values) of the body fields sent. */
export type AuditDetails = Record<string, string | string[]>;

/** Who acted: an application (its token's client), or a user (a sign-in, or a token a user signed in for). */
export const AUDIT_ACTOR_TYPES = ['application', 'user'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

/**
 * One Management API write or sign-in, successful or not: who (the token's client, or the user),
 * what (the action and its target), where (the realm), and how it ended (the HTTP status).
 * Append-only; entries outlive the realm, application or item they name, so there is no foreign key.
 */
export const AuditLogEntity = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_logs',
  properties: {
    id: p.uuid().primary(),
    /** The realm whose log holds the entry. */
    realmId: p.uuid(),
    action: p.text(),
    actorType: p.enum(AUDIT_ACTOR_TYPES).default('application'),
    /** The user who acted (actor type `user`); null for an application, or a sign-in naming no user. */
    actorUserId: p.uuid().nullable(),
    /** The application: its token's client, or the one a user signed in to. */
    actorClientId: p.text(),
    actorApplicationId: p.uuid().nullable(),
    actorRealmId: p.uuid(),
    actorRealmName: p.text(),
    targetType: p.text(),
    targetId: p.uuid().nullable(),
    requestId: p.text(),
    method: p.text(),
    path: p.text(),
    status: p.integer(),
    /** The client address and user agent of a sign-in (null for Management API writes). */
    ip: p.text().nullable(),
    userAgent: p.text().nullable(),
    details: p.json<AuditDetails>().defaultRaw("'{}'"),
    createdAt: createdAt(),
  },
  indexes: [
    {
      name: 'audit_logs_realm_time',
      columns: [{ name: 'realmId' }, { name: 'createdAt', sort: 'desc' }, { name: 'id', sort: 'desc' }],
    },
    {
      name: 'audit_logs_realm_action',
      columns: [{ name: 'realmId' }, { name: 'action' }, { name: 'createdAt', sort: 'desc' }],
    },
    {
      name: 'audit_logs_realm_actor',
      columns: [{ name: 'realmId' }, { name: 'actorClientId' }, { name: 'createdAt', sort: 'desc' }],
    },
    {
      name: 'audit_logs_realm_target',
      columns: [{ name: 'realmId' }, { name: 'targetId' }, { name: 'createdAt', sort: 'desc' }],
      where: 'target_id is not null',
    },
    {
      name: 'audit_logs_realm_user',
      columns: [{ name: 'realmId' }, { name: 'actorUserId' }, { name: 'createdAt', sort: 'desc' }],
      where: 'actor_user_id is not null',
    },
    { name: 'audit_logs_created_at', properties: ['createdAt'] },
  ],
  checks: [
    { name: 'audit_logs_ip_length', expression: `char_length(ip) <= ${MAX_AUDIT_IP_LENGTH}` },
    { name: 'audit_logs_user_agent_length', expression: `char_length(user_agent) <= ${MAX_AUDIT_USER_AGENT_LENGTH}` },
  ],
});
export type AuditLog = InferEntity<typeof AuditLogEntity>;
