import type { AuditLog as AuditLogBody } from '@realmkit/contract';
import type { AuditLog } from './audit-log.entity.ts';

/** The API shape of an audit entry. */
export function presentAuditLog(entry: AuditLog): AuditLogBody {
  return {
    id: entry.id,
    action: entry.action,
    outcome: entry.status < 400 ? 'success' : 'failure',
    status: entry.status,
    actor: {
      type: entry.actorType,
      user_id: entry.actorUserId ?? null,
      client_id: entry.actorClientId,
      application_id: entry.actorApplicationId ?? null,
      realm_id: entry.actorRealmId,
      realm_name: entry.actorRealmName,
    },
    target: { type: entry.targetType, id: entry.targetId ?? null },
    realm_id: entry.realmId,
    request: { id: entry.requestId, method: entry.method, path: entry.path },
    ip: entry.ip ?? null,
    user_agent: entry.userAgent ?? null,
    details: entry.details,
    created_at: entry.createdAt.toISOString(),
  };
}
