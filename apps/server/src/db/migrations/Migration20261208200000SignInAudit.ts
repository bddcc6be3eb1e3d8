import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-ins in the audit log (decision 0020): an entry's actor is an application (a Management API
 * write with a client's token, as before) or a user (a sign-in, or a write with a user's token);
 * the user's id, the client address and the user agent, bounded. Existing entries are the
 * applications'. The index serves `GET /audit-logs?actor_user_id=`.
 */
export class Migration20261208200000SignInAudit extends Migration {
  override name = 'Migration20261208200000SignInAudit';

  override async up(): Promise<void> {
    this.addSql(`alter table audit_logs
      add column actor_type text not null default 'application',
      add column actor_user_id uuid,
      add column ip text,
      add column user_agent text;`);
    this.addSql(`alter table audit_logs add constraint audit_logs_actor_type_check
      check (actor_type in ('application', 'user'));`);
    this.addSql('alter table audit_logs add constraint audit_logs_ip_length check (char_length(ip) <= 64);');
    this.addSql(
      'alter table audit_logs add constraint audit_logs_user_agent_length check (char_length(user_agent) <= 512);',
    );
    this.addSql(
      'create index audit_logs_realm_user on audit_logs (realm_id, actor_user_id, created_at desc) where actor_user_id is not null;',
    );
  }
}
