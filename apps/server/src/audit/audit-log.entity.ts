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
});
export type AuditLog = InferEntity<typeof AuditLogEntity>;
