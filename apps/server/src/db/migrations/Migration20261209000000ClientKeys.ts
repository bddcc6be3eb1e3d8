import { Migration } from '@mikro-orm/migrations';

/**
 * Machine identity without shared secrets (RFC 7523 §2.2): an application's public keys (RFC 7591
 * `jwks` or `jwks_uri`, never both), the workload identities it trusts (federated credentials),
 * and the `jti`s of the `private_key_jwt` assertions already used, each kept until its `exp` so
 * that none is accepted twice (the key is a hash: a `jti` is the client's choice of length).
 */
export class Migration20261209000000ClientKeys extends Migration {
  override name = 'Migration20261209000000ClientKeys';

  override async up(): Promise<void> {
    this.addSql(`alter table applications
      drop constraint applications_token_endpoint_auth_method_check,
      add constraint applications_token_endpoint_auth_method_check
        check (token_endpoint_auth_method in ('client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none')),
      add column jwks jsonb,
      add column jwks_uri text,
      add constraint applications_one_key_source check (jwks is null or jwks_uri is null);`);

    this.addSql(`create table federated_credentials (
      id uuid primary key,
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      application_id uuid not null references applications (id) on delete cascade deferrable initially deferred,
      name text not null,
      description text,
      issuer text not null,
      subject text not null,
      audiences jsonb not null,
      jwks_uri text,
      created_at timestamptz not null default now(),
      constraint federated_credentials_name_unique unique (application_id, name),
      constraint federated_credentials_subject_unique unique (application_id, issuer, subject)
    );`);
    this.addSql('create index federated_credentials_realm_id_idx on federated_credentials (realm_id, application_id);');

    this.addSql(`create table client_assertion_jtis (
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      key_hash text not null,
      expires_at timestamptz not null,
      primary key (realm_id, key_hash)
    );`);
    this.addSql('create index client_assertion_jtis_expires_at_idx on client_assertion_jtis (expires_at);');
  }
}
