import { Migration } from '@mikro-orm/migrations';

/**
 * A maintained count of each realm's users, so that an unfiltered users list answers its
 * `total` from a few rows instead of counting a million (docs/performance.md).
 *
 * Statement-level triggers with transition tables keep it: one upsert per statement and realm,
 * so a bulk insert (an import, `COPY`) costs one. The count is split over 16 shards per realm,
 * picked by the connection's backend: a single row would be locked from each insert to its
 * commit, and so would serialize a realm's concurrent creates through every commit's WAL flush
 * (measured: a quarter of the commits per second). The total is the sum of the shards, which
 * one index range reads. Deletes, cascaded ones from a deleted realm included, subtract from a
 * shard that exists (never inserting one, which would reference a realm being deleted). A
 * shard may go negative; the sum cannot. The shards go with their realm (ON DELETE CASCADE).
 * Users never move between realms, so updates need nothing.
 */
export class Migration20261127000000RealmUserCounts extends Migration {
  override name = 'Migration20261127000000RealmUserCounts';

  override async up(): Promise<void> {
    this.addSql(`create table realm_user_counts (
      realm_id uuid not null references realms (id) on delete cascade deferrable initially deferred,
      shard smallint not null check (shard between 0 and 15),
      user_count bigint not null,
      primary key (realm_id, shard)
    );`);

    this.addSql(`create function realm_user_counts_add() returns trigger language plpgsql as $$
    begin
      insert into realm_user_counts (realm_id, shard, user_count)
        select realm_id, pg_backend_pid() % 16, count(*) from inserted_users group by realm_id
      on conflict (realm_id, shard) do update set user_count = realm_user_counts.user_count + excluded.user_count;
      return null;
    end $$;`);
    this.addSql(`create function realm_user_counts_subtract() returns trigger language plpgsql as $$
    begin
      update realm_user_counts c set user_count = c.user_count - d.n
        from (select realm_id, count(*) as n from deleted_users group by realm_id) d
        where c.realm_id = d.realm_id
          and c.shard = (select s.shard from realm_user_counts s where s.realm_id = d.realm_id
                         order by s.shard = pg_backend_pid() % 16 desc, s.shard limit 1);
      return null;
    end $$;`);
    this.addSql(`create trigger users_count_insert after insert on users
      referencing new table as inserted_users for each statement execute function realm_user_counts_add();`);
    this.addSql(`create trigger users_count_delete after delete on users
      referencing old table as deleted_users for each statement execute function realm_user_counts_subtract();`);

    this.addSql(
      'insert into realm_user_counts (realm_id, shard, user_count) select realm_id, 0, count(*) from users group by realm_id;',
    );
  }
}
