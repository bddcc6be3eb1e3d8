import { Migration } from '@mikro-orm/migrations';

/**
 * Each application's grants and token endpoint authentication, by their RFC 7591 names. Existing
 * applications get their type's defaults (CLIENT_RULES in the contract), so they work as before:
 * `m2m` keeps `client_credentials` with its secret; `traditional` keeps its secret; `spa` and
 * `native` are public clients. No default stays on the columns: the server always writes them.
 */
export class Migration20261206000000ClientMetadata extends Migration {
  override name = 'Migration20261206000000ClientMetadata';

  override async up(): Promise<void> {
    this.addSql(`alter table applications
      add column grant_types text[] not null default '{}',
      add column token_endpoint_auth_method text not null default 'client_secret_basic'
        check (token_endpoint_auth_method in ('client_secret_basic', 'client_secret_post', 'none'));`);
    this.addSql(`update applications set grant_types = '{client_credentials}' where type = 'm2m';`);
    this.addSql(`update applications set token_endpoint_auth_method = 'none' where type in ('spa', 'native');`);
    this.addSql(`alter table applications
      alter column grant_types drop default,
      alter column token_endpoint_auth_method drop default;`);
  }
}
