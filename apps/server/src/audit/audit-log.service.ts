import type { AuditLogQuery } from '@realmkit/contract';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Page, paged } from '../db/pagination.ts';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import { type AuditDetails, type AuditLog, AuditLogEntity } from './audit-log.entity.ts';

/** What the audit trail hands over for each audited request. */
export interface AuditEntry {
  realmId: string;
  action: string;
  actor: { clientId: string; realmId: string; realmName: string };
  target: { type: string; id: string | null };
  request: { id: string; method: string; path: string };
  status: number;
  details: AuditDetails;
}

/** The audit log: appends entries, and lists a realm's newest first with filters. */
export class AuditLogService {
  readonly #orm: Orm;
  /** Applications by client id: the hot-path cache, where the bearer check has just put the actor's. */
  readonly #applications: Pick<HotPathCache, 'application'>;

  constructor(orm: Orm, applications: Pick<HotPathCache, 'application'>) {
    this.#orm = orm;
    this.#applications = applications;
  }

  /**
   * Appends one entry, in its own statement: the write it records has committed or failed by
   * then (see docs/decisions/0013-audit-log-and-rate-limits.md). The actor's application is
   * looked up here because tokens carry only its client_id.
   */
  async record(entry: AuditEntry): Promise<void> {
    const application = await this.#applications.application(entry.actor.realmId, entry.actor.clientId);
    await this.#orm.em.fork().insert(AuditLogEntity, {
      id: newId(),
      realmId: entry.realmId,
      action: entry.action,
      actorClientId: entry.actor.clientId,
      actorApplicationId: application?.id ?? null,
      actorRealmId: entry.actor.realmId,
      actorRealmName: entry.actor.realmName,
      targetType: entry.target.type,
      targetId: entry.target.id,
      requestId: entry.request.id,
      method: entry.request.method,
      path: entry.request.path,
      status: entry.status,
      details: entry.details,
      createdAt: new Date(),
    });
  }

  /** A page of the realm's entries, newest first; every filter given must match. */
  list(realmId: string, query: AuditLogQuery): Promise<Page<AuditLog>> {
    const createdAt = {
      ...(query.from ? { $gte: new Date(query.from) } : {}),
      ...(query.to ? { $lt: new Date(query.to) } : {}),
    };
    return paged(query, (window) =>
      this.#orm.em.findAndCount(
        AuditLogEntity,
        {
          realmId,
          ...(query.action ? { action: query.action } : {}),
          ...(query.actor ? { actorClientId: query.actor } : {}),
          ...(query.target_type ? { targetType: query.target_type } : {}),
          ...(query.target_id ? { targetId: query.target_id } : {}),
          ...(query.from || query.to ? { createdAt } : {}),
        },
        { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...window },
      ),
    );
  }
}
