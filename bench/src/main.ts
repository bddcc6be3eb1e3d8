// `npm run bench`: every figure of docs/performance.md beside its baseline, measured in this run
// on this Node. `npm run bench -- --help` lists the options.
import { execFileSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dpopFigures } from './figures/dpop.ts';
import { coldStart, idleRss, rssRows, sourceIdleRow } from './figures/footprint.ts';
import { managementFigures } from './figures/management.ts';
import { millionFigures } from './figures/million.ts';
import { signInFigures } from './figures/signin.ts';
import { RESOURCE, tokenFigures } from './figures/tokens.ts';
import { ROOT } from './processes.ts';
import { profiledLoads, profileNames, profileServer } from './profile.ts';
import { startRealmkit } from './realmkit.ts';
import { cpuTable, progress, type Row, table } from './report.ts';
import { adminSql, freshDatabase, settings } from './settings.ts';

const SECTIONS = ['tokens', 'dpop', 'management', 'signin', 'million', 'tenmillion', 'profile'] as const;
/** Sections that take many minutes, run only when named: `tenmillion` seeds 10,000,000 users on its first run. */
const ON_DEMAND: readonly Section[] = ['tenmillion', 'profile'];
const TEN_MILLION = 10_000_000;
type Section = (typeof SECTIONS)[number];
const MIN_NODE = [22, 17];

const HELP = `Usage: npm run bench -- [options]

  --tiny             a short run that only proves the harness works (CI): 1 s loads, 10,000 users,
                     no embedded database
  --only=a,b         sections to run: ${SECTIONS.join(', ')} (default: all but ${ON_DEMAND.join(' and ')};
                     tenmillion is figure 5 with 10,000,000 users: about 7 minutes to seed the first
                     time, then reused)
  --profile          also profile the token endpoint (a client secret, then private_key_jwt, then
                     DPoP-bound), GET user by id (bearer, then DPoP-bound), the refresh_token
                     grant and a whole sign-in (--cpu-prof), summarized
  --profiles=a,b     profile only these loads (alone: runs nothing else): ${profileNames().join(', ')}
  --explain          print EXPLAIN ANALYZE of figure 5's queries
  --users=N          users in figure 5's realm (default 1,000,000; tiny 10,000)
  --log-level=L      the server's LOG_LEVEL (default: the server's own default)
  --drop-databases   drop the bench's databases at the end (CI; the next run seeds anew)
  --no-build         use the server's build as it is, without \`npm run build\` first (CI, which just built it)

Exit status: 0 when every figure was measured (met or not: this is not a test), 1 when the
harness failed, 3 when a figure got error answers (it is printed, flagged, and not to be trusted).

Environment: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432), BENCH_DB_PREFIX
(default realmkit_bench: databases <prefix>_run and <prefix>_peer (node-oidc-provider's, figures
8, 10 and 11), dropped and made anew each run, and <prefix>_users_<N>, kept and reused while it holds N
users).`;

/**
 * Every figure and its baseline must come from one Node: Express answers 3.7× faster on 24 than
 * on 20, so a ratio across versions means nothing. The children run on process.execPath; this
 * refuses to start on a Node the server does not run on (use `npm run bench`, whose launcher
 * brings Node 24 where the machine's is older).
 */
function assertNode(): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < (MIN_NODE[0] as number) || (major === MIN_NODE[0] && minor < (MIN_NODE[1] as number))) {
    process.stderr.write(
      `bench: Node ${process.versions.node} is older than the server's ${MIN_NODE.join('.')}; run it with \`npm run bench\`.\n`,
    );
    process.exit(2);
  }
}

function machine(): string {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  return `${model}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}`;
}

async function main(): Promise<void> {
  assertNode();
  const { values } = parseArgs({
    options: {
      tiny: { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      profiles: { type: 'string' },
      explain: { type: 'boolean', default: false },
      users: { type: 'string' },
      'log-level': { type: 'string' },
      'drop-databases': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const sections = new Set<Section>(
    values.only
      ? (values.only.split(',') as Section[])
      : values.profiles
        ? []
        : SECTIONS.filter((section) => !ON_DEMAND.includes(section) || (section === 'profile' && values.profile)),
  );
  const onlyProfiles = values.profiles?.split(',');
  for (const name of onlyProfiles ?? []) {
    if (!profileNames().includes(name)) throw new Error(`unknown profile ${name} (${profileNames().join(', ')})`);
  }
  if (values.profile || onlyProfiles) sections.add('profile');
  for (const section of sections) {
    if (!SECTIONS.includes(section)) throw new Error(`unknown section ${section} (${SECTIONS.join(', ')})`);
  }
  const s = settings({
    tiny: values.tiny,
    users: values.users === undefined ? undefined : Number(values.users),
    logLevel: values['log-level'],
  });

  const started = performance.now();
  process.stdout.write(`Realmkit benchmarks${s.tiny ? ' (tiny run: proves the harness, not the speed)' : ''}\n`);
  process.stdout.write(`${machine()}\n`);
  const load = loadavg()[0] ?? 0;
  process.stdout.write(
    `load average ${load.toFixed(2)}${load > 0.5 ? ' — the machine is busy: figures will be noisy' : ''}\n`,
  );
  process.stdout.write(`logs: ${s.workDir}\n\n`);

  const rows: Row[] = [];
  const profiles: string[] = [];
  // Every figure is of the server the package ships (and the Dockerfile runs): its build.
  if (values['no-build']) {
    progress('using the build as it is (--no-build)');
  } else {
    progress('building the server (npm run build)');
    const buildLog = openSync(path.join(s.workDir, 'build.log'), 'a');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', buildLog, buildLog] });
  }
  if (['tokens', 'dpop', 'management', 'signin', 'profile'].some((section) => sections.has(section as Section))) {
    const databaseUrl = await freshDatabase(s, `${s.dbPrefix}_run`);
    const serverOptions = { databaseUrl, dataDir: path.join(s.workDir, 'run-data'), logLevel: s.logLevel };
    progress('Realmkit first start on PostgreSQL (migrations, master realm)');
    const rk = await startRealmkit({ ...serverOptions, logFile: path.join(s.workDir, 'realmkit.log') });
    let client: { clientId: string; clientSecret: string } | undefined;
    // The realm `bench`'s m2m client of figures 1, 2, 11 and the profiles: made once (a realm holds
    // one API resource per indicator).
    const benchClient = async () => {
      client ??= await rk.admin.m2mClient('bench', RESOURCE, ['read', 'write']);
      return client;
    };
    try {
      await rk.admin.ensureRealm('bench');
      const idle = await idleRss(rk.child.pid, s);
      let peakRss: number | undefined;
      if (sections.has('tokens')) ({ peakRss } = await tokenFigures(s, rk, rows, await benchClient()));
      if (sections.has('dpop')) await dpopFigures(s, rk, await benchClient(), rows);
      if (sections.has('management')) await managementFigures(s, rk, databaseUrl, rows);
      if (sections.has('signin')) await signInFigures(s, rk, rows);
      if (sections.has('tokens')) rows.push(...rssRows(idle, peakRss, 'PostgreSQL'));
      if (sections.has('tokens')) rows.push(await sourceIdleRow(s, serverOptions));
      if (sections.has('profile')) await benchClient();
    } finally {
      await rk.stop();
    }
    if (sections.has('tokens')) {
      rows.push((await coldStart(s, serverOptions, 'PostgreSQL')).row);
    }
    // The embedded database's start is the slow part of a tiny run, and proves nothing more.
    if (sections.has('tokens') && !s.tiny) {
      const embedded = { dataDir: path.join(s.workDir, 'embedded-data'), logLevel: s.logLevel };
      progress('Realmkit first start on the embedded database');
      await (await startRealmkit({ ...embedded, logFile: path.join(s.workDir, 'embedded-first.log') })).stop();
      const { row, idle } = await coldStart(s, embedded, 'embedded');
      rows.push(row, ...rssRows(idle, undefined, 'embedded'));
    }
    if (sections.has('profile') && client) {
      for (const work of profiledLoads(client, RESOURCE)) {
        if (!onlyProfiles || onlyProfiles.includes(work.name)) profiles.push(await profileServer(s, databaseUrl, work));
      }
    }
  }
  if (sections.has('million')) await millionFigures(s, rows, { explain: values.explain });
  const tenMillion = { ...s, users: s.tiny ? s.users : TEN_MILLION };
  if (sections.has('tenmillion')) await millionFigures(tenMillion, rows, { explain: values.explain });

  process.stdout.write(`\n${table(rows)}\n${cpuTable()}`);
  for (const profile of profiles) process.stdout.write(`\nProfile of ${profile}\n`);
  if (values['drop-databases']) {
    for (const name of [
      `${s.dbPrefix}_run`,
      `${s.dbPrefix}_peer`,
      `${s.dbPrefix}_users_${s.users}`,
      `${s.dbPrefix}_users_${tenMillion.users}`,
    ]) {
      await adminSql(s, `drop database if exists ${name} with (force)`);
    }
  }
  const missed = rows.filter((row) => row.met === false).length;
  const measured = rows.filter((row) => row.met !== undefined).length;
  const loadAtEnd = loadavg()[0] ?? 0;
  process.stdout.write(
    `\n${measured - missed} of ${measured} targets met; ${Math.round((performance.now() - started) / 1000)} s; ` +
      `load average ${load.toFixed(2)} at the start, ${loadAtEnd.toFixed(2)} at the end.\n`,
  );
  const flagged = rows.filter((row) => row.warning).length;
  if (flagged > 0) {
    process.stdout.write(`${flagged} figure(s) got error answers (⚠): see the logs in ${s.workDir}.\n`);
    process.exitCode = 3;
  }
}

// Ctrl-C or a kill: exit through process.exit, whose handler stops every child (processes.ts).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
