import { Migration } from '@mikro-orm/migrations';

/**
 * Each realm's account settings: whether sign-in requires a verified email, and its password
 * policy (the fewest characters, and whether common and breached passwords are refused). Existing
 * realms get the defaults. The bounds are the contract's PASSWORD_MIN_LENGTH and
 * PASSWORD_MIN_LENGTH_MAX as they were when this ran (a later change is a new migration;
 * test/schema.test.ts compares them with the entity's check).
 */
export class Migration20261208000000RealmAccountSettings extends Migration {
  override name = 'Migration20261208000000RealmAccountSettings';

  override async up(): Promise<void> {
    this.addSql(`alter table realms
      add column require_verified_email boolean not null default false,
      add column password_min_length integer not null default 8,
      add column password_refuse_breached boolean not null default true,
      add constraint realms_password_min_length_check
        check (password_min_length >= 8 and password_min_length <= 128);`);
  }
}
