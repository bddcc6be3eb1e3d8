import { Migration } from '@mikro-orm/migrations';

/**
 * A maintained count of each realm's users, so that an unfiltered users list answers its
 * `total` from one row instead of counting a million (docs/performance.md).
 *
 * Statement-level triggers with transition tables keep it: one upsert per statement and realm,
 * so a bulk insert (an import, `COPY`) costs one update, and the row is locked only from the
 * insert to its commit. Deletes, cascaded ones from a deleted realm included, subtract. The
 * count row goes with its realm (ON DELETE CASCADE). Users never move between realms, so
 * updates need nothing.
 */
export class Migration20261127000000RealmUserCounts extends Migration {
  override name = 'Migration20261127000000RealmUserCounts';

  override async up(): Promise<void> {
    this.addSql(`create table realm_user_counts (
      realm_id uuid primary key references realms (id) on delete cascade deferrable initially deferred,
      user_count bigint not null default 0 check (user_count >= 0)
    );`);

    this.addSql(`create function realm_user_counts_add() returns trigger language plpgsql as $$
    begin
      insert into realm_user_counts (realm_id, user_count)
        select realm_id, count(*) from inserted_users group by realm_id
      on conflict (realm_id) do update set user_count = realm_user_counts.user_count + excluded.user_count;
      return null;
    end $$;`);
    this.addSql(`create function realm_user_counts_subtract() returns trigger language plpgsql as $$
    begin
      update realm_user_counts c set user_count = c.user_count - d.n
        from (select realm_id, count(*) as n from deleted_users group by realm_id) d
        where c.realm_id = d.realm_id;
      return null;
    end $$;`);
    this.addSql(`create trigger users_count_insert after insert on users
      referencing new table as inserted_users for each statement execute function realm_user_counts_add();`);
    this.addSql(`create trigger users_count_delete after delete on users
      referencing old table as deleted_users for each statement execute function realm_user_counts_subtract();`);

    this.addSql(
      'insert into realm_user_counts (realm_id, user_count) select realm_id, count(*) from users group by realm_id;',
    );
  }
}
