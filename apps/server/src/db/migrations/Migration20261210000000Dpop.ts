import { Migration } from '@mikro-orm/migrations';

/**
 * DPoP (RFC 9449): the application setting that makes proofs mandatory for a client (§5.2
 * `dpop_bound_access_tokens`), the realm's and the application's demand for server nonces (§8),
 * the key a public client's refresh tokens are bound to (§5, its RFC 7638 thumbprint), and the
 * `jti`s of the proofs already used, each kept while its `iat` could still be accepted (§11.1).
 */
export class Migration20261210000000Dpop extends Migration {
  override name = 'Migration20261210000000Dpop';

  override async up(): Promise<void> {
    this.addSql(`alter table applications
      add column dpop_bound_access_tokens boolean not null default false,
      add column require_dpop_nonce boolean not null default false;`);
    this.addSql('alter table realms add column require_dpop_nonce boolean not null default false;');
    this.addSql('alter table refresh_tokens add column dpop_jkt text;');
    this.addSql(`create table dpop_proof_jtis (
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      key_hash text not null,
      expires_at timestamptz not null,
      primary key (realm_id, key_hash)
    );`);
    this.addSql('create index dpop_proof_jtis_expires_at_idx on dpop_proof_jtis (expires_at);');
  }
}
