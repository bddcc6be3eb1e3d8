import { Migration } from '@mikro-orm/migrations';

/**
 * Realms, users, applications, API resources, roles and signing keys.
 *
 * Every table but `realms` carries `realm_id` with ON DELETE CASCADE: deleting a realm deletes
 * everything in it, and every query filters by it. Foreign keys are checked at commit
 * (DEFERRABLE INITIALLY DEFERRED) because the ORM maps them as plain columns and does not
 * order a transaction's inserts by them. Uniqueness that the API promises is a
 * database constraint, so it holds under concurrent requests.
 */
export class Migration20261124000000Foundation extends Migration {
  override name = 'Migration20261124000000Foundation';

  override async up(): Promise<void> {
    this.addSql('create extension if not exists pg_trgm;');

    this.addSql(`create table system_settings (
      key text primary key,
      value text not null
    );`);

    this.addSql(`create table realms (
      id uuid primary key,
      name text not null constraint realms_name_unique unique,
      display_name text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );`);
    this.addSql('create index realms_name_trgm on realms using gin (name gin_trgm_ops);');

    this.addSql(`create table signing_keys (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      kid text not null constraint signing_keys_kid_unique unique,
      algorithm text not null,
      status text not null check (status in ('active', 'retiring')),
      public_jwk jsonb not null,
      private_key_sealed text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz
    );`);
    this.addSql('create index signing_keys_realm_idx on signing_keys (realm_id);');
    this.addSql("create unique index signing_keys_one_active on signing_keys (realm_id) where status = 'active';");

    this.addSql(`create table users (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      email text not null,
      username text,
      name text,
      given_name text,
      family_name text,
      password_hash text,
      is_suspended boolean not null default false,
      email_verified boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );`);
    this.addSql('create unique index users_realm_email_unique on users (realm_id, lower(email));');
    this.addSql(
      'create unique index users_realm_username_unique on users (realm_id, lower(username)) where username is not null;',
    );
    this.addSql('create index users_realm_id_idx on users (realm_id, id);');
    this.addSql('create index users_email_trgm on users using gin (email gin_trgm_ops);');
    this.addSql('create index users_username_trgm on users using gin (username gin_trgm_ops);');
    this.addSql('create index users_name_trgm on users using gin (name gin_trgm_ops);');

    this.addSql(`create table user_identities (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      user_id uuid not null references users (id) on delete cascade deferrable initially deferred,
      provider text not null,
      provider_user_id text not null,
      details jsonb not null default '{}',
      created_at timestamptz not null default now(),
      constraint user_identities_provider_unique unique (realm_id, provider, provider_user_id)
    );`);
    this.addSql('create index user_identities_user_idx on user_identities (user_id);');

    this.addSql(`create table applications (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      name text not null,
      description text,
      type text not null check (type in ('spa', 'native', 'traditional', 'm2m')),
      client_id text not null constraint applications_client_id_unique unique,
      client_secret_hash text,
      redirect_uris jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );`);
    this.addSql('create index applications_realm_id_idx on applications (realm_id, id);');

    this.addSql(`create table resources (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      name text not null,
      indicator text not null,
      access_token_ttl integer not null default 3600 check (access_token_ttl between 60 and 86400),
      is_management boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint resources_indicator_unique unique (realm_id, indicator)
    );`);
    this.addSql('create unique index resources_one_management on resources (realm_id) where is_management;');

    this.addSql(`create table resource_scopes (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      resource_id uuid not null references resources (id) on delete cascade deferrable initially deferred,
      name text not null,
      description text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint resource_scopes_name_unique unique (resource_id, name)
    );`);
    this.addSql('create index resource_scopes_realm_idx on resource_scopes (realm_id);');

    this.addSql(`create table roles (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      name text not null,
      description text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint roles_name_unique unique (realm_id, name)
    );`);

    this.addSql(`create table role_scopes (
      role_id uuid not null references roles (id) on delete cascade deferrable initially deferred,
      scope_id uuid not null references resource_scopes (id) on delete cascade deferrable initially deferred,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      created_at timestamptz not null default now(),
      primary key (role_id, scope_id)
    );`);
    this.addSql('create index role_scopes_scope_idx on role_scopes (scope_id);');

    this.addSql(`create table application_roles (
      application_id uuid not null references applications (id) on delete cascade deferrable initially deferred,
      role_id uuid not null references roles (id) on delete cascade deferrable initially deferred,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      created_at timestamptz not null default now(),
      primary key (application_id, role_id)
    );`);
    this.addSql('create index application_roles_role_idx on application_roles (role_id);');

    this.addSql(`create table user_roles (
      user_id uuid not null references users (id) on delete cascade deferrable initially deferred,
      role_id uuid not null references roles (id) on delete cascade deferrable initially deferred,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      created_at timestamptz not null default now(),
      primary key (user_id, role_id)
    );`);
    this.addSql('create index user_roles_role_idx on user_roles (role_id);');
  }
}
