import { Migration } from '@mikro-orm/migrations';

/**
 * Sessions an administrator can see (issue 19): where each sign-in came from (`ip`, `user_agent`,
 * bounded as the contract's UserSession says) and the applications each session signed in to
 * (`session_applications`, written in the statement that issues an authorization code; its rows go
 * with their session or application).
 */
export class Migration20261208100000SessionDetails extends Migration {
  override name = 'Migration20261208100000SessionDetails';

  override async up(): Promise<void> {
    this.addSql('alter table sessions add column ip varchar(64) null, add column user_agent varchar(512) null;');
    this.addSql(`create table session_applications (
      session_id uuid not null references sessions (id) on delete cascade deferrable initially deferred,
      application_id uuid not null references applications (id) on delete cascade deferrable initially deferred,
      created_at timestamptz not null default now(),
      primary key (session_id, application_id)
    );`);
    this.addSql('create index session_applications_application_idx on session_applications (application_id);');
  }
}
