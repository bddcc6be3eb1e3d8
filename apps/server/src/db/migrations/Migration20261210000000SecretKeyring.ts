import { Migration } from '@mikro-orm/migrations';

/**
 * `REALMKIT_SECRET_KEY` becomes a keyring (decision 0031): each client-secret hash and each
 * idempotency fingerprint records the id of the key it was made with (`SecretKey.id`: the
 * fingerprint's first 8 hex digits), so that a key rotation knows which are still tied to an old
 * key. Every one made so far was made with the key the database was set up with, whose
 * fingerprint `system_settings` holds.
 *
 * The row-version trigger learns to leave `version` alone in a transaction that says its updates
 * change no representation (`realmkit.keep_version`): a client-secret hash made again with the
 * new key must not change the application's `ETag`.
 */
export class Migration20261210000000SecretKeyring extends Migration {
  override name = 'Migration20261210000000SecretKeyring';

  override async up(): Promise<void> {
    this.addSql(`alter table applications
      add column client_secret_key_id text,
      add column previous_client_secret_key_id text;`);
    this.addSql('alter table idempotency_keys add column fingerprint_key_id text;');
    const keyId = "(select left(value, 8) from system_settings where key = 'secret_key_fingerprint')";
    this.addSql(`update applications set client_secret_key_id = ${keyId} where client_secret_hash is not null;`);
    this.addSql(
      `update applications set previous_client_secret_key_id = ${keyId} where previous_client_secret_hash is not null;`,
    );
    this.addSql(`update idempotency_keys set fingerprint_key_id = ${keyId};`);
    this.addSql(`create or replace function realmkit_next_version() returns trigger language plpgsql as $$
begin
  if new is distinct from old and coalesce(current_setting('realmkit.keep_version', true), '') <> 'on' then
    new.version := old.version + 1;
  end if;
  return new;
end
$$;`);
  }
}
