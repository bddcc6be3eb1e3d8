import path from 'node:path';
import pg from 'pg';
import { load } from '../loadgen.ts';
import { migrateRealmkit, type Realmkit, startRealmkit } from '../realmkit.ts';
import { fmt, loadWarning, progress, type Row } from '../report.ts';
import { countUsers, FAMILY_NAMES, seededUser, seedUsers } from '../seed-users.ts';
import { adminSql, databaseExists, freshDatabase, type Settings } from '../settings.ts';

const REALM = 'million';
const PER_PAGE = 20;
/** The deep page of figure 5 (page 10,000 of 20 users: offset 199,980), or the last hundredth of a smaller realm. */
const DEEP_PAGE = 10_000;

/** Figure 5's p95 target: 25 ms at ten million users, 10 ms at one million and fewer (issue 25). */
export function targetMs(users: number): number {
  return users > 1_000_000 ? 25 : 10;
}

function deepPageOf(users: number): number {
  return Math.min(DEEP_PAGE, Math.max(2, Math.round(users / 100)));
}

/** A few values from `list`, spread over it, the same each run. */
function spread<T>(list: readonly T[], count: number): T[] {
  return Array.from({ length: count }, (_, i) => list[Math.floor((i * 7919) % list.length)] as T);
}

/** The query kinds of figure 5, as the Management API is asked them. */
interface Query {
  label: string;
  paths: string[];
}

async function queries(databaseUrl: string, realmId: string, users: number): Promise<Query[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const deepPage = deepPageOf(users);
  try {
    const ids = (
      await client.query<{ id: string }>('select id from users tablesample system (5) where realm_id = $1 limit 500', [
        realmId,
      ])
    ).rows.map((row) => row.id);
    const cursor = (
      await client.query<{ id: string }>(
        'select id from users where realm_id = $1 order by id desc offset $2 limit 1',
        [realmId, (deepPage - 1) * PER_PAGE - 1],
      )
    ).rows[0]?.id;
    const api = `/api/v1/${REALM}/users`;
    const indexes = spread(
      Array.from({ length: 1000 }, (_, i) => Math.floor((i * users) / 1000)),
      200,
    );
    return [
      { label: 'first page with total', paths: [api] },
      {
        label: 'search by a fragment of email',
        paths: indexes.map((i) => `${api}?search=${encodeURIComponent(seededUser(i).email.split('@')[0] as string)}`),
      },
      {
        label: 'search by a fragment of name (a whole name: 1 user in 10,000)',
        paths: indexes.map((i) => `${api}?search=${encodeURIComponent(seededUser(i).name.toLowerCase())}`),
      },
      {
        label: 'search by a fragment of name (a family name: 1 user in 100)',
        paths: spread(FAMILY_NAMES, 50).map((name) => `${api}?search=${encodeURIComponent(name)}`),
      },
      { label: `page ${deepPage.toLocaleString('en-US')} (page=)`, paths: [`${api}?page=${deepPage}`] },
      ...(cursor
        ? [{ label: `page ${deepPage.toLocaleString('en-US')} by keyset (after=)`, paths: [`${api}?after=${cursor}`] }]
        : []),
      { label: 'get by id', paths: ids.map((id) => `${api}/${id}`) },
    ];
  } finally {
    await client.end();
  }
}

async function startOn(s: Settings, databaseUrl: string, name: string): Promise<Realmkit> {
  return startRealmkit({
    databaseUrl,
    dataDir: path.join(s.workDir, 'million-data'),
    logFile: path.join(s.workDir, `million-${name}.log`),
    logLevel: s.logLevel,
  });
}

/**
 * Figure 5: `s.users` users in one realm on PostgreSQL, seeded with SQL into a database of the
 * bench's own (`<prefix>_users_<n>`, reused while it holds exactly that many), then the p95 of
 * each query kind, one request at a time (query cost, not queueing).
 */
export async function millionFigures(s: Settings, rows: Row[], options: { explain: boolean }): Promise<void> {
  const name = `${s.dbPrefix}_users_${s.users}`;
  const databaseUrl = `${s.pgBase}/${name}`;
  if (!(await databaseExists(s, name))) await adminSql(s, `create database ${name}`);
  progress(`migrating ${name} (realmkit migrate)`);
  await migrateRealmkit(databaseUrl, path.join(s.workDir, 'million-data'), path.join(s.workDir, 'million-migrate.log'));
  let rk = await startOn(s, databaseUrl, 'start');
  try {
    let realm = await rk.admin.ensureRealm(REALM);
    const have = await countUsers(databaseUrl, realm.id);
    if (have !== s.users) {
      if (have > 0) {
        progress(`${name} holds ${have} users, not ${s.users}: recreating it`);
        await rk.stop();
        await freshDatabase(s, name);
        rk = await startOn(s, databaseUrl, 'restart');
        realm = await rk.admin.ensureRealm(REALM);
      }
      progress(`seeding ${s.users.toLocaleString('en-US')} users with SQL`);
      const started = performance.now();
      await seedUsers(databaseUrl, realm.id, s.users);
      progress(`seeded in ${fmt.ms(performance.now() - started)}`);
    } else {
      progress(`reusing ${name} (${have.toLocaleString('en-US')} users)`);
    }

    const auth = { authorization: `Bearer ${rk.admin.token}` };
    const count =
      s.users >= 1_000_000
        ? `${(s.users / 1_000_000).toLocaleString('en-US')}M users`
        : `${s.users.toLocaleString('en-US')} users`;
    for (const query of await queries(databaseUrl, realm.id, s.users)) {
      progress(`${query.label} (${s.queryRequests} requests, one connection)`);
      const result = await load({
        url: rk.url,
        headers: auth,
        paths: query.paths,
        connections: 1,
        warmupS: s.tiny ? 0 : 1,
        amount: s.queryRequests,
      });
      rows.push({
        figure: `5. ${count}: ${query.label}, p95`,
        measured: fmt.ms(result.latencyMs.p95),
        baseline: '—',
        ratio: undefined,
        target: `≤ ${targetMs(s.users)} ms`,
        met: result.latencyMs.p95 <= targetMs(s.users),
        warning: loadWarning(result),
      });
    }
    rows.push(...(await sizes(databaseUrl, count)));
    if (options.explain) await explain(databaseUrl, realm.id, s.users);
  } finally {
    await rk.stop();
  }
}

/** The users table and each of its indexes, on disk (for information). */
async function sizes(databaseUrl: string, count: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; bytes: string }>(
      `select 'table users (heap and TOAST)' as name, pg_table_size('users') as bytes
       union all
       select 'index ' || indexrelid::regclass::text, pg_relation_size(indexrelid)
       from pg_index where indrelid = 'users'::regclass
       order by bytes desc`,
    );
    return rows.map((row) => ({
      figure: `5. ${count}: ${row.name}, on disk`,
      measured: fmt.mb(Number(row.bytes)),
      baseline: '—',
      ratio: undefined,
      target: '—',
      met: undefined,
    }));
  } finally {
    await client.end();
  }
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements the server sends for figure 5 (the SQL MikroORM
 * generates for UserService.list and get, and the search's own statement, with the values of one
 * request each, in the transaction the server runs them in).
 */
async function explain(databaseUrl: string, realmId: string, users: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const user = seededUser(Math.floor(users / 3));
  const deepOffset = (deepPageOf(users) - 1) * PER_PAGE;
  const page = (where: string, offset: number) =>
    `select "u0".* from "users" as "u0" where "u0"."id" in (select "u0"."id" from "users" as "u0" where ${where} order by "u0"."id" desc limit ${PER_PAGE + 1} offset ${offset}) order by "u0"."id" desc`;
  // UserService's search (db/pagination.ts searchPageIds), in its transaction.
  const search = (term: string) =>
    `with matches as materialized (select id from users where realm_id = '${realmId}' and (email ilike '%${term}%' or username ilike '%${term}%' or name ilike '%${term}%'))
       select (select count(*) from matches) as total,
              array(select id from matches order by id desc limit ${PER_PAGE + 1} offset 0) as ids`;
  const [cursorRow] = (
    await client.query<{ id: string }>('select id from users where realm_id = $1 order by id desc offset $2 limit 1', [
      realmId,
      deepOffset - 1,
    ])
  ).rows;
  const [idRow] = (await client.query<{ id: string }>('select id from users where email = $1', [user.email])).rows;
  const emailFragment = user.email.split('@')[0] as string;
  const searchSetup = "select set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)";
  const statements: [string, string, string?][] = [
    ['First page', page(`"u0"."realm_id" = '${realmId}'`, 0)],
    ['Unfiltered total', `select sum(user_count) as total from realm_user_counts where realm_id = '${realmId}'`],
    [`Search "${emailFragment}": matches, total and page`, search(emailFragment), searchSetup],
    [`Search "${user.name.toLowerCase()}": matches, total and page`, search(user.name.toLowerCase()), searchSetup],
    ['Search "okafor": matches, total and page', search('okafor'), searchSetup],
    [`Page ${deepOffset / PER_PAGE + 1} (offset ${deepOffset})`, page(`"u0"."realm_id" = '${realmId}'`, deepOffset)],
    [
      `Page ${deepOffset / PER_PAGE + 1} by keyset (after)`,
      page(`"u0"."realm_id" = '${realmId}' and "u0"."id" < '${cursorRow?.id}'`, 0),
    ],
    [
      'Get by id',
      `select "u0".* from "users" as "u0" where "u0"."id" = '${idRow?.id}' and "u0"."realm_id" = '${realmId}' limit 1`,
    ],
  ];
  try {
    for (const [title, sql, setup] of statements) {
      const plan = async () => {
        await client.query('begin');
        try {
          if (setup) await client.query(setup);
          return (await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${sql}`)).rows;
        } finally {
          await client.query('rollback');
        }
      };
      await plan(); // warm, as the measured runs were
      const rows = await plan();
      process.stdout.write(`\n#### ${title}\n\n\`\`\`sql\n${setup ? `${setup};\n` : ''}${sql}\n\`\`\`\n\n\`\`\`\n`);
      process.stdout.write(`${rows.map((row) => row['QUERY PLAN']).join('\n')}\n\`\`\`\n`);
    }
  } finally {
    await client.end();
  }
}
