import { Migration } from '@mikro-orm/migrations';

/**
 * The transactional outbox (events written in the same transaction as the state they follow,
 * delivered at least once by the notifier) and email verifications (one row per requested
 * verification email: rate limit, expiry and single use).
 */
export class Migration20261125000000OutboxAndEmailVerification extends Migration {
  override name = 'Migration20261125000000OutboxAndEmailVerification';

  override async up(): Promise<void> {
    this.addSql(`create table outbox_events (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      type text not null,
      payload jsonb not null,
      status text not null default 'pending' check (status in ('pending', 'processing', 'done', 'dead')),
      attempts integer not null default 0,
      available_at timestamptz not null default now(),
      locked_until timestamptz,
      completed_handlers jsonb not null default '[]',
      last_error text,
      created_at timestamptz not null default now(),
      processed_at timestamptz
    );`);
    // What a notifier claims next: due pending events, and processing ones whose lease ran out.
    this.addSql(
      "create index outbox_events_due on outbox_events (available_at) where status in ('pending', 'processing');",
    );
    this.addSql("create index outbox_events_dead on outbox_events (created_at) where status = 'dead';");

    this.addSql(`create table email_verifications (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      user_id uuid not null references users (id) on delete cascade deferrable initially deferred,
      email text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );`);
    this.addSql('create index email_verifications_user_idx on email_verifications (user_id, created_at desc);');
  }
}
