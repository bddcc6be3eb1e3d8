import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from '../db/timestamps.ts';

/** Ids a write named besides its target, and the names (never the values) of the body fields sent. */
export type AuditDetails = Record<string, string | string[]>;

/**
 * One Management API write, successful or not: who (the token's client), what (the action and
 * its target), where (the realm), and how it ended (the HTTP status). Append-only; entries
 * outlive the realm, application or item they name, so there is no foreign key.
 */
export const AuditLogEntity = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_logs',
  properties: {
    id: p.uuid().primary(),
    /** The realm whose log holds the entry. */
    realmId: p.uuid(),
    action: p.text(),
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
    { name: 'audit_logs_created_at', properties: ['createdAt'] },
  ],
});
export type AuditLog = InferEntity<typeof AuditLogEntity>;
