import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in (OpenID Connect): where RP-initiated logout may return to, per application; the
 * sign-in grants for the applications that sign users in (CLIENT_RULES in the contract); and the
 * records of a sign-in: login sessions, authorization codes, refresh tokens and revoked access
 * tokens. Secrets are stored as SHA-256 digests only (the values are 256-bit random).
 */
export class Migration20261207000000SignIn extends Migration {
  override name = 'Migration20261207000000SignIn';

  override async up(): Promise<void> {
    this.addSql(`alter table applications add column post_logout_redirect_uris jsonb not null default '[]';`);
    this.addSql(`update applications set grant_types = '{authorization_code,refresh_token}'
      where type in ('spa', 'native', 'traditional') and grant_types = '{}';`);

    this.addSql(`create table sessions (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      user_id uuid not null references users (id) on delete cascade deferrable initially deferred,
      secret_hash text not null,
      auth_time timestamptz not null,
      created_at timestamptz not null default now(),
      last_active_at timestamptz not null,
      expires_at timestamptz not null
    );`);
    this.addSql('create index sessions_user_idx on sessions (realm_id, user_id);');

    this.addSql(`create table authorization_codes (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      code_hash text not null constraint authorization_codes_code_hash_unique unique,
      application_id uuid not null references applications (id) on delete cascade deferrable initially deferred,
      user_id uuid not null references users (id) on delete cascade deferrable initially deferred,
      session_id uuid not null,
      redirect_uri text not null,
      code_challenge text not null,
      scope text not null,
      resource text,
      nonce text,
      auth_time timestamptz not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      consumed_at timestamptz
    );`);

    this.addSql(`create table refresh_tokens (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      family_id uuid not null,
      token_hash text not null constraint refresh_tokens_token_hash_unique unique,
      application_id uuid not null references applications (id) on delete cascade deferrable initially deferred,
      user_id uuid not null references users (id) on delete cascade deferrable initially deferred,
      session_id uuid,
      scope text not null,
      resource text,
      auth_time timestamptz not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz,
      revoked_at timestamptz
    );`);
    this.addSql('create index refresh_tokens_family_idx on refresh_tokens (family_id);');
    this.addSql('create index refresh_tokens_user_idx on refresh_tokens (realm_id, user_id);');

    this.addSql(`create table revoked_access_tokens (
      jti uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      expires_at timestamptz not null
    );`);
  }
}
