import { Migration } from '@mikro-orm/migrations';

/** The tables whose rows the API serves one by one, with an `ETag`. */
const VERSIONED_TABLES = ['realms', 'users', 'applications', 'roles', 'resources', 'resource_scopes'];

/**
 * Row versions (the source of every `ETag`) and idempotency keys.
 *
 * `version` starts at 1 and a trigger adds 1 on every UPDATE that changes the row, whoever makes
 * it (the ORM, raw SQL, another release's code), so an `ETag` can never stay the same across a
 * change. `updated_at` cannot serve: it has millisecond precision and each instance's clock.
 *
 * `idempotency_keys` holds one row per (client, key): the request's fingerprint, then its
 * response, for 24 hours. A row without `response_status` is in flight, leased until
 * `locked_until` (renewed while the request runs, so a crashed instance's key frees itself).
 */
export class Migration20261128100000ConcurrencyControl extends Migration {
  override name = 'Migration20261128100000ConcurrencyControl';

  override async up(): Promise<void> {
    this.addSql(`create function realmkit_next_version() returns trigger language plpgsql as $$
begin
  if new is distinct from old then
    new.version := old.version + 1;
  end if;
  return new;
end
$$;`);
    for (const table of VERSIONED_TABLES) {
      this.addSql(`alter table ${table} add column version integer not null default 1;`);
      this.addSql(
        `create trigger ${table}_next_version before update on ${table} for each row execute function realmkit_next_version();`,
      );
    }

    this.addSql(`create table idempotency_keys (
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      client_id text not null,
      key text not null,
      fingerprint text not null,
      owner uuid,
      locked_until timestamptz,
      response_status integer,
      response_headers jsonb,
      response_body text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (realm_id, client_id, key)
    );`);
    this.addSql('create index idempotency_keys_expires_idx on idempotency_keys (expires_at);');
  }
}
