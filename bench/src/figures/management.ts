import { helloExpress, rawArgon2Rate } from '../baselines.ts';
import { load } from '../loadgen.ts';
import type { Realmkit } from '../realmkit.ts';
import { fmt, loadWarning, noteCpu, progress, type Row } from '../report.ts';
import type { Settings } from '../settings.ts';

/** Figures 4 and 6: a user by id against a bare Express hello-world; creating users against raw argon2id. */
export async function managementFigures(s: Settings, rk: Realmkit, rows: Row[]): Promise<void> {
  const users = '/api/v1/bench/users';
  await rk.admin.ensureRealm('bench');
  const created = [];
  for (let i = 0; i < 20; i++) {
    created.push(await rk.admin.expect('POST', users, { email: `reader${i}@bench.test`, name: `Reader ${i}` }));
  }
  const auth = { authorization: `Bearer ${rk.admin.token}` };

  progress('bare Express 5 hello-world');
  const hello = await helloExpress(s);
  progress('Realmkit GET /api/v1/{realm}/users/{id} (PostgreSQL)');
  const get = await load({
    url: rk.url,
    headers: auth,
    paths: created.map((user) => `${users}/${user.id}`),
    warmupS: s.warmupS,
    durationS: s.durationS,
    serverPid: rk.child.pid,
  });
  noteCpu('Express hello-world', hello);
  noteCpu('Realmkit GET user by id', get);
  const ratio4 = get.requestsPerSecond / hello.requestsPerSecond;
  rows.push({
    figure: '4. GET user by id (PostgreSQL) ÷ Express hello-world',
    measured: fmt.rate(get.requestsPerSecond, 'req/s'),
    baseline: fmt.rate(hello.requestsPerSecond, 'req/s'),
    ratio: ratio4,
    target: '≥ 0.3',
    met: ratio4 >= 0.3,
    warning: loadWarning(get) ?? loadWarning(hello),
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
    paths: [users],
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
