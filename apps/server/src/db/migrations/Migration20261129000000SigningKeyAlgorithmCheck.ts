import { Migration } from '@mikro-orm/migrations';

/**
 * `signing_keys.algorithm` is checked like `realms.signing_algorithm` and every other enum column:
 * the entity maps it as an enum of RS256, ES256 and EdDSA, and the Foundation migration left the
 * check out (test/schema.test.ts compares the migrated schema with the entities).
 */
export class Migration20261129000000SigningKeyAlgorithmCheck extends Migration {
  override name = 'Migration20261129000000SigningKeyAlgorithmCheck';

  override async up(): Promise<void> {
    this.addSql(`alter table signing_keys add constraint signing_keys_algorithm_check
      check (algorithm in ('RS256', 'ES256', 'EdDSA'));`);
  }
}
