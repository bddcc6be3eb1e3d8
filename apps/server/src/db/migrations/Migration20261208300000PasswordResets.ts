import { Migration } from '@mikro-orm/migrations';

/** Password reset emails: one row per requested email, for its rate limit, expiry and single use. */
export class Migration20261208300000PasswordResets extends Migration {
  override name = 'Migration20261208300000PasswordResets';

  override async up(): Promise<void> {
    this.addSql(`create table password_resets (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      user_id uuid not null references users (id) on delete cascade deferrable initially deferred,
      email text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );`);
    this.addSql('create index password_resets_user_idx on password_resets (user_id, created_at desc);');
  }
}
