import { Migration } from '@mikro-orm/migrations';

/**
 * The audit log of Management API writes. Append-only and kept after the realm, application or
 * item an entry names is deleted (no foreign keys); docs/audit-log.md has the SQL to prune it.
 */
export class Migration20261128000000AuditLogs extends Migration {
  override name = 'Migration20261128000000AuditLogs';

  override async up(): Promise<void> {
    this.addSql(`create table audit_logs (
      id uuid primary key,
      realm_id uuid not null,
      action text not null,
      actor_client_id text not null,
      actor_application_id uuid,
      actor_realm_id uuid not null,
      actor_realm_name text not null,
      target_type text not null,
      target_id uuid,
      request_id text not null,
      method text not null,
      path text not null,
      status integer not null,
      details jsonb not null default '{}',
      created_at timestamptz not null default now()
    );`);
    // A realm's log, newest first, and each filter of GET /audit-logs within it.
    this.addSql('create index audit_logs_realm_time on audit_logs (realm_id, created_at desc, id desc);');
    this.addSql('create index audit_logs_realm_action on audit_logs (realm_id, action, created_at desc);');
    this.addSql('create index audit_logs_realm_actor on audit_logs (realm_id, actor_client_id, created_at desc);');
    this.addSql(
      'create index audit_logs_realm_target on audit_logs (realm_id, target_id, created_at desc) where target_id is not null;',
    );
    // Pruning by age across realms.
    this.addSql('create index audit_logs_created_at on audit_logs (created_at);');
  }
}
