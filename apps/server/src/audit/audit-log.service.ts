import { type AuditLogQuery, MAX_AUDIT_IP_LENGTH, MAX_AUDIT_USER_AGENT_LENGTH } from '@realmkit/contract';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Page, paged } from '../db/pagination.ts';
import { runStatement } from '../db/statement.ts';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import { type AuditDetails, type AuditLog, AuditLogEntity } from './audit-log.entity.ts';

/** What the audit trail hands over for each audited request. */
export interface AuditEntry {
  realmId: string;
  action: string;
  /** `userId`: a user's token (a user signed in to the client) made the request; the user is the actor. */
  actor: { clientId: string; realmId: string; realmName: string; userId?: string | null };
  target: { type: string; id: string | null };
  request: { id: string; method: string; path: string };
  status: number;
  details: AuditDetails;
}

/**
 * What a user did themselves through a page of the server, the user being the actor: signing in
 * (`user.signed_in`, `user.sign_in_failed`).
 */
export interface UserEvent {
  /** The realm whose log holds the entry, and the user's. */
  realm: { id: string; name: string };
  action: `user.${string}`;
  /** Actor and target; `null` when the identifier typed named no user (never the identifier itself). */
  userId: string | null;
  /** The application the user signed in to (or came from). */
  application: { id: string; clientId: string };
  ip: string | null;
  userAgent: string | null;
  request: { id: string; method: string; path: string };
  /** The status of the page's answer: `outcome` follows it as for other entries. */
  status: number;
  details?: AuditDetails;
}

/**
 * What an application did at an OAuth endpoint of its realm, the application being the actor: a
 * token exchange (`token.exchanged`, `token.exchange_failed`).
 */
export interface ClientEvent {
  /** The realm whose log holds the entry, and the application's. */
  realm: { id: string; name: string };
  action: `token.${string}`;
  application: { id: string; clientId: string };
  /** Who the request was about (the exchanged token's subject); `id` null when it is not known. */
  target: { type: string; id: string | null };
  ip: string | null;
  userAgent: string | null;
  request: { id: string; method: string; path: string };
  status: number;
  details: AuditDetails;
}

const cut = (value: string | null, length: number) => (value === null ? null : value.slice(0, length));

/** The audit log: appends entries, and lists a realm's newest first with filters. */
export class AuditLogService {
  readonly #orm: Orm;
  /** Applications by client id: the hot-path cache, where the bearer check has just put the actor's. */
  readonly #applications: Pick<HotPathCache, 'application'>;
  /** Entries written in the background and not settled yet: a shutdown waits for them. */
  readonly #pending = new Set<Promise<void>>();

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
      actorType: entry.actor.userId ? 'user' : 'application',
      actorUserId: entry.actor.userId ?? null,
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

  /**
   * Appends one {@link UserEvent}, in its own statement. Plain SQL, not the ORM's insert: every
   * sign-in writes one, and the entity's path was a tenth of a sign-in's main-thread time
   * (docs/performance.md, figure 9 after accounts).
   */
  async recordUserEvent(event: UserEvent): Promise<void> {
    await runStatement(
      this.#orm,
      `insert into audit_logs (id, realm_id, action, actor_type, actor_user_id, actor_client_id, actor_application_id,
         actor_realm_id, actor_realm_name, target_type, target_id, request_id, method, path, status, ip, user_agent,
         details, created_at)
       values (?, ?, ?, 'user', ?, ?, ?, ?, ?, 'user', ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)`,
      [
        newId(),
        event.realm.id,
        event.action,
        event.userId,
        event.application.clientId,
        event.application.id,
        event.realm.id,
        event.realm.name,
        event.userId,
        event.request.id,
        event.request.method,
        event.request.path,
        event.status,
        cut(event.ip, MAX_AUDIT_IP_LENGTH),
        cut(event.userAgent, MAX_AUDIT_USER_AGENT_LENGTH),
        JSON.stringify(event.details ?? {}),
        new Date(),
      ],
    );
  }

  /** Appends one {@link ClientEvent}, in its own statement, in plain SQL as {@link recordUserEvent}. */
  async recordClientEvent(event: ClientEvent): Promise<void> {
    await runStatement(
      this.#orm,
      `insert into audit_logs (id, realm_id, action, actor_type, actor_user_id, actor_client_id, actor_application_id,
         actor_realm_id, actor_realm_name, target_type, target_id, request_id, method, path, status, ip, user_agent,
         details, created_at)
       values (?, ?, ?, 'application', null, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)`,
      [
        newId(),
        event.realm.id,
        event.action,
        event.application.clientId,
        event.application.id,
        event.realm.id,
        event.realm.name,
        event.target.type,
        event.target.id,
        event.request.id,
        event.request.method,
        event.request.path,
        event.status,
        cut(event.ip, MAX_AUDIT_IP_LENGTH),
        cut(event.userAgent, MAX_AUDIT_USER_AGENT_LENGTH),
        JSON.stringify(event.details),
        new Date(),
      ],
    );
  }

  /** {@link recordClientEvent} without waiting for it, as {@link recordUserEventLater}. */
  recordClientEventLater(event: ClientEvent, failed: (error: unknown, event: ClientEvent) => void): void {
    this.#background(this.recordClientEvent(event).catch((error: unknown) => failed(error, event)));
  }

  /**
   * {@link recordUserEvent} without waiting for it: the page answers meanwhile (a sign-in does not
   * wait for its entry). A failure goes to `failed` (which logs the whole entry). {@link settled}
   * waits for the writes still running.
   */
  recordUserEventLater(event: UserEvent, failed: (error: unknown, event: UserEvent) => void): void {
    this.#background(this.recordUserEvent(event).catch((error: unknown) => failed(error, event)));
  }

  #background(writing: Promise<void>): void {
    this.#pending.add(writing);
    void writing.finally(() => this.#pending.delete(writing));
  }

  /** Once every background write has ended (a shutdown, before the database closes). */
  async settled(): Promise<void> {
    await Promise.all(this.#pending);
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
          ...(query.actor_user_id ? { actorUserId: query.actor_user_id } : {}),
          ...(query.target_type ? { targetType: query.target_type } : {}),
          ...(query.target_id ? { targetId: query.target_id } : {}),
          ...(query.from || query.to ? { createdAt } : {}),
        },
        { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...window },
      ),
    );
  }
}
