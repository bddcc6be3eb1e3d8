import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { helloExpress, rawArgon2Rate, startRawReads } from '../baselines.ts';
import { type LoadResult, load } from '../loadgen.ts';
import type { Realmkit } from '../realmkit.ts';
import { fmt, loadWarning, noteCpu, progress, type Row } from '../report.ts';
import { FAMILY_NAMES, seedUsers } from '../seed-users.ts';
import type { Settings } from '../settings.ts';

const REALM = 'bench';
const USERS = `/api/v1/${REALM}/users`;
/** Users in the read figures' realm: a search for a family name matches 1 in 100 of them. */
const READ_USERS = 10_000;
const READ_TARGET = 0.6;

/** A few values from `list`, spread over it, the same each run. */
function spread<T>(list: readonly T[], count: number): T[] {
  return Array.from({ length: count }, (_, i) => list[Math.floor((i * 7919) % list.length)] as T);
}

/**
 * The same answer from both servers, or the comparison means nothing: the body of `path`, and
 * its `ETag`, from Realmkit and from the minimal handler.
 */
async function assertSameAnswer(path: string, token: string, realmkit: string, raw: string): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  const [a, b] = await Promise.all([fetch(`${realmkit}${path}`, { headers }), fetch(`${raw}${path}`, { headers })]);
  const [bodyA, bodyB] = await Promise.all([a.json(), b.json()]);
  if (
    a.status !== 200 ||
    b.status !== 200 ||
    !isDeepStrictEqual(bodyA, bodyB) ||
    a.headers.get('etag') !== b.headers.get('etag')
  ) {
    throw new Error(
      `the minimal handler does not answer ${path} as Realmkit does: ${a.status} ${JSON.stringify(bodyA)} ETag ${a.headers.get('etag')} | ${b.status} ${JSON.stringify(bodyB)} ETag ${b.headers.get('etag')}`,
    );
  }
}

/** Ids of `count` users of `realmId`, spread over the realm. */
async function someUserIds(databaseUrl: string, realmId: string, count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      'select id from users where realm_id = $1 order by md5(id::text) limit $2',
      [realmId, count],
    );
    return rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

/**
 * Figure 4: reads of the Management API (a user by id, the users list's first page with its
 * total, a search) against the least a handler can do for the same answer, in the same run
 * (children/raw-pg-reads.ts); for information, a bare Express hello-world. Figure 6: creating
 * users against raw argon2id.
 */
export async function managementFigures(s: Settings, rk: Realmkit, databaseUrl: string, rows: Row[]): Promise<void> {
  const realm = await rk.admin.ensureRealm(REALM);
  progress(`seeding ${READ_USERS.toLocaleString('en-US')} users into realm ${REALM} with SQL`);
  await seedUsers(databaseUrl, realm.id, READ_USERS);
  const ids = await someUserIds(databaseUrl, realm.id, 200);
  const token = rk.admin.token;
  const auth = { authorization: `Bearer ${token}` };
  const reads = [
    { figure: '4. GET user by id', cpu: 'GET user by id', paths: ids.map((id) => `${USERS}/${id}`) },
    { figure: '4. Users, first page with total', cpu: 'users, first page', paths: [USERS] },
    {
      figure: '4. Users, search by a family name (100 of 10,000)',
      cpu: 'users, search',
      paths: spread(FAMILY_NAMES, 50).map((name) => `${USERS}?search=${encodeURIComponent(name.toLowerCase())}`),
    },
  ];

  const raw = await startRawReads(s, rk.url, databaseUrl, token);
  const measured: { read: (typeof reads)[number]; ours: LoadResult; theirs: LoadResult }[] = [];
  try {
    for (const read of reads) {
      await assertSameAnswer(read.paths[0] as string, token, rk.url, raw.url);
      const spec = { headers: auth, paths: read.paths, warmupS: s.warmupS, durationS: s.durationS };
      progress(`minimal node:http + pg handler: ${read.cpu}`);
      const theirs = await load({ ...spec, url: raw.url, serverPid: raw.child.pid });
      progress(`Realmkit: ${read.cpu} (PostgreSQL)`);
      const ours = await load({ ...spec, url: rk.url, serverPid: rk.child.pid });
      measured.push({ read, ours, theirs });
    }
  } finally {
    await raw.child.stop();
  }
  for (const { read, ours, theirs } of measured) {
    noteCpu(`minimal handler: ${read.cpu}`, theirs);
    noteCpu(`Realmkit: ${read.cpu}`, ours);
    const ratio = ours.requestsPerSecond / theirs.requestsPerSecond;
    rows.push({
      figure: `${read.figure} (PostgreSQL) ÷ minimal node:http + pg handler`,
      measured: fmt.rate(ours.requestsPerSecond, 'req/s'),
      baseline: fmt.rate(theirs.requestsPerSecond, 'req/s'),
      ratio,
      target: `≥ ${READ_TARGET}`,
      met: ratio >= READ_TARGET,
      warning: loadWarning(ours) ?? loadWarning(theirs),
    });
  }

  progress('bare Express 5 hello-world, for information');
  const hello = await helloExpress(s);
  noteCpu('Express hello-world', hello);
  const get = measured[0]?.ours as LoadResult;
  rows.push({
    figure: '4. GET user by id ÷ Express hello-world, for information',
    measured: fmt.rate(get.requestsPerSecond, 'req/s'),
    baseline: fmt.rate(hello.requestsPerSecond, 'req/s'),
    ratio: get.requestsPerSecond / hello.requestsPerSecond,
    target: '—',
    met: undefined,
    warning: loadWarning(hello),
  });

  progress('raw argon2id hashing rate (the server’s parameters and thread pool)');
  const { perSecond: argon2, cpuMsPerHash } = await rawArgon2Rate(s);
  progress('Realmkit POST /api/v1/{realm}/users with a password');
  const create = await load({
    url: rk.url,
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'user-{{n}}@bench.test',
      name: 'Bench User',
      password: 'correct horse battery staple',
    }),
    paths: [USERS],
    warmupS: s.warmupS,
    durationS: s.durationS,
    serverPid: rk.child.pid,
  });
  noteCpu('raw argon2id hash (no load generator)', { serverCpuMsPerRequest: cpuMsPerHash });
  noteCpu('Realmkit create user (argon2id on the pool included)', create);
  const ratio6 = create.requestsPerSecond / argon2;
  rows.push({
    figure: '6. Create user ÷ raw argon2id hashing',
    measured: fmt.rate(create.requestsPerSecond, 'users/s'),
    baseline: fmt.rate(argon2, 'hashes/s'),
    ratio: ratio6,
    target: '≥ 0.9',
    met: ratio6 >= 0.9,
    warning: loadWarning(create),
  });
}
