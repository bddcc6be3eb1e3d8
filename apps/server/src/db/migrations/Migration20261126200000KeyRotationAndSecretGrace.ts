import { Migration } from '@mikro-orm/migrations';

/**
 * Signing-key rotation and client-secret grace periods.
 *
 * - `realms.signing_algorithm`: the algorithm of the realm's active key (RS256, ES256, EdDSA).
 * - `signing_keys.max_token_ttl`: the longest lifetime of a token the key has signed (raised,
 *   never lowered, before such a token is handed out), so a retiring key stays in the JWKS exactly
 *   as long as its tokens can live. Keys from before this migration get the longest lifetime a
 *   resource can have, as nobody knows what they signed.
 * - `system_settings.signing_keys_version`: bumped in the transaction of every rotation; each
 *   instance reads it every few seconds and drops its cached keys when it moves.
 * - `applications.previous_client_secret_*`: the secret a rotation replaced, while its grace lasts.
 */
export class Migration20261126200000KeyRotationAndSecretGrace extends Migration {
  override name = 'Migration20261126200000KeyRotationAndSecretGrace';

  override async up(): Promise<void> {
    this.addSql(`alter table realms add column signing_algorithm text not null default 'RS256'
      constraint realms_signing_algorithm_check check (signing_algorithm in ('RS256', 'ES256', 'EdDSA'));`);
    this.addSql(`update realms r set signing_algorithm = k.algorithm
      from signing_keys k where k.realm_id = r.id and k.status = 'active';`);

    this.addSql('alter table signing_keys add column max_token_ttl integer not null default 86400;');
    this.addSql('alter table signing_keys alter column max_token_ttl set default 0;');
    this.addSql(
      "insert into system_settings (key, value) values ('signing_keys_version', '0') on conflict (key) do nothing;",
    );

    this.addSql(`alter table applications
      add column previous_client_secret_hash text,
      add column previous_client_secret_expires_at timestamptz;`);
  }
}
