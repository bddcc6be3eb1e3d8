import pg from 'pg';

/** A fixed argon2id hash, so every seeded row is as wide as a real one (`has_password`). */
const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzZWVkc2FsdA$3o1N0mXuvzq5xk1bXm6z7dM2o9Ea3aJr1bVf8pG2h0Y';

const GIVEN = (
  'Ada Alan Amara Ana Andrei Aisha Bea Bruno Carla Chen Chloe Dara David Diego Elena Emeka Emma Farah ' +
  'Felix Fatima Grace Hana Hugo Ines Ivan Jane Jonas Julia Kai Kenji Lara Leo Lina Luca Maya Marta ' +
  'Mateo Mei Nadia Nico Noah Nora Olga Omar Pablo Priya Quinn Rafael Rosa Ravi Sara Sam Sofia Tariq ' +
  'Tessa Theo Uma Vera Viktor Wen Yara Yusuf Zoe Zane Alma Boris Cora Dmitri Eva Finn Gita Hiro Ida ' +
  'Jorge Kira Lars Mira Nils Oscar Petra Rui Selin Timo Ulla Vikram Wanda Xavier Yuki Zara Arjun Bianca ' +
  'Caio Dalia Erik Freya Goran Helga Ilan Jana Kofi'
).split(' ');
const FAMILY = (
  'Okafor Smith Garcia Muller Rossi Novak Kowalski Tanaka Kim Nguyen Silva Santos Ivanova Petrov Haddad ' +
  'Cohen Larsen Jensen Nielsen Virtanen Dubois Martin Bernard Moreau Fischer Weber Wagner Becker Schulz ' +
  'Hoffmann Jones Brown Taylor Wilson Evans Thomas Roberts Walker Wright Hughes Lopez Perez Gomez Diaz ' +
  'Romero Alvarez Torres Ruiz Flores Herrera Chen Wang Li Zhang Liu Yang Huang Zhao Wu Zhou Sato Suzuki ' +
  'Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Patel Shah Singh Kumar Gupta Mehta ' +
  'Iyer Reddy Rao Das Adeyemi Mensah Owusu Banda Phiri Kamau Otieno Mwangi Diallo Toure Horvat Kovac ' +
  'Nagy Szabo Popescu Ionescu Yilmaz Kaya Demir Sahin'
).split(' ');
const DOMAINS = ['example.com', 'example.org', 'mail.test', 'corp.test'];

/** Family names that are not also given names and long enough for a trigram search (figure 5's terms). */
export const FAMILY_NAMES = FAMILY.filter((name) => name.length >= 5 && !GIVEN.includes(name));

/** What the seeder made (the bench picks its search terms and ids from these rules). */
export interface SeededUser {
  index: number;
  email: string;
  name: string;
}

/**
 * User `i` of the seed, as the SQL below makes it: given name `i % 100`, family name
 * `(i / 100) % 100` (so each full name is shared by 1 in 10,000 users and each family name by
 * 1 in 100), email `given.family.i@domain`, a username for every other user.
 */
export function seededUser(i: number): SeededUser {
  const given = GIVEN[i % 100] as string;
  const family = FAMILY[Math.floor(i / 100) % 100] as string;
  return {
    index: i,
    email: `${given}.${family}.${i}@${DOMAINS[i % 4]}`.toLowerCase(),
    name: `${given} ${family}`,
  };
}

function sqlArray(values: readonly string[]): string {
  return `array[${values.map((value) => `'${value}'`).join(',')}]`;
}

/** How many users `realmId` has, from the maintained count. */
export async function countUsers(databaseUrl: string, realmId: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'select coalesce(sum(user_count), 0) as n from realm_user_counts where realm_id = $1',
      [realmId],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/**
 * Inserts `count` users into `realmId` with one `INSERT ... SELECT generate_series` (not the
 * API: a million argon2 hashes would take hours). The users table's secondary indexes are
 * dropped and rebuilt from their own definitions around the insert (much faster than updating
 * three trigram indexes row by row), all in one transaction; then VACUUM ANALYZE, so the
 * planner has statistics and index-only scans have a visibility map, as autovacuum would
 * leave a live database. Ids are UUIDv7, time-ordered like the server's.
 */
export async function seedUsers(databaseUrl: string, realmId: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("set maintenance_work_mem = '256MB'");
    await client.query('begin');
    // Checked at once, not at commit: an index cannot be built over rows with pending checks.
    await client.query('set constraints all immediate');
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      "select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = 'users' and indexname <> 'users_pkey'",
    );
    for (const index of indexes) await client.query(`drop index ${client.escapeIdentifier(index.indexname)}`);
    await client.query(
      `insert into users (id, realm_id, email, username, name, given_name, family_name, password_hash,
                          is_suspended, email_verified, created_at, updated_at)
       select
         (lpad(to_hex((extract(epoch from t) * 1000)::bigint), 12, '0') || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid,
         $1, lower(g || '.' || f || '.' || i || '@' || d), case when i % 2 = 0 then lower(g || '_' || f || '_' || i) end,
         g || ' ' || f, g, f, $2, i % 97 = 0, i % 3 = 0, t, t
       from (
         select i, md5(i::text) as h, timestamptz '2024-01-01' + i * interval '10 seconds' as t,
                (${sqlArray(GIVEN)})[1 + i % 100] as g,
                (${sqlArray(FAMILY)})[1 + (i / 100) % 100] as f,
                (${sqlArray(DOMAINS)})[1 + i % 4] as d
         from generate_series(0, $3::int - 1) as i
       ) s`,
      [realmId, PASSWORD_HASH, count],
    );
    for (const index of indexes) await client.query(index.indexdef);
    await client.query('commit');
    await client.query('vacuum analyze users');
    await client.query('vacuum analyze realm_user_counts');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
