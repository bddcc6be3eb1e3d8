import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { assertionKey } from './client-assertions.ts';
import { dpopKey, proofSigner } from './dpop-proofs.ts';
import { setUpSignIn } from './figures/signin.ts';
import { assertionLoadSpec, privateKeyJwtClient } from './figures/tokens.ts';
import { CONNECTIONS, chainsNeeded, load } from './loadgen.ts';
import { ROOT } from './processes.ts';
import { BENCH_ADMIN, type Realmkit, startRealmkit, tokenRequest } from './realmkit.ts';
import { progress } from './report.ts';
import type { Settings } from './settings.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a package, a server folder, Node itself, or V8/GC. */
function ownerOf(url: string): string {
  if (!url) return '(native: V8, GC, idle)';
  if (url.startsWith('node:')) return 'node: (Node core)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1] as string;
  const server = /apps\/server\/(?:src|dist)\/([^/]+)\//.exec(url);
  if (server) return `server ${server[1]}/`;
  const contract = /packages\/contract\//.exec(url);
  if (contract) return '@realmkit/contract';
  return path.relative(ROOT, url.replace(/^file:\/\//, ''));
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${path.basename(url)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

const IDLE = new Set(['(idle)', '(program)', '(root)']);

/** Owners grouped by what they do for a request, for the one-line answer "where does it go". */
const GROUPS: [string, RegExp][] = [
  ['database: MikroORM, kysely, pg', /^(@mikro-orm\/.*|kysely|pg|pg-.*|postgres-.*)$/],
  [
    'HTTP framework: express, router, body parsers, ts-rest, helmet, cors',
    /^(express|router|body-parser|raw-body|type-is|qs|@ts-rest\/.*|helmet|cors)$/,
  ],
  ['request logging: pino, pino-http', /^(pino|pino-http|@pinojs\/.*|sonic-boom|pino-std-serializers)$/],
  ['JWT: jose (WebCrypto below it)', /^jose$/],
];

/**
 * Self time by owner and by function, and inclusive time by function (each sample counted once
 * per function, so recursion does not inflate it), from a V8 CPU profile, leaving out its first
 * `skipMs` (the server's start) and idle samples (the event loop waiting).
 */
export function summarize(profile: CpuProfile, skipMs: number, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const key = (node: ProfileNode) => `${frameName(node)} [${ownerOf(node.callFrame.url)}]`;

  const add = (map: Map<string, number>, k: string, ms: number) => map.set(k, (map.get(k) ?? 0) + ms);
  const owners = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusiveByFunction = new Map<string, number>();
  const inclusiveByOwner = new Map<string, number>();
  const inclusiveByGroup = new Map<string, number>();
  let busy = 0;
  let elapsed = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    elapsed += (profile.timeDeltas[i] ?? 0) / 1000;
    if (elapsed < skipMs) continue;
    const leaf = byId.get(profile.samples[i] as number);
    if (!leaf || IDLE.has(leaf.callFrame.functionName)) continue;
    busy += ms;
    add(owners, ownerOf(leaf.callFrame.url), ms);
    add(selfByFunction, key(leaf), ms);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id) as ProfileNode;
      if (!node.callFrame.url) continue;
      const owner = ownerOf(node.callFrame.url);
      const group = GROUPS.find(([, pattern]) => pattern.test(owner))?.[0];
      for (const [map, k] of [
        [inclusiveByFunction, key(node)],
        [inclusiveByOwner, owner],
        ...(group ? [[inclusiveByGroup, group] as const] : []),
      ] as const) {
        if (seen.has(k)) continue;
        seen.add(k);
        add(map, k, ms);
      }
    }
  }
  const pct = (ms: number) => `${((100 * ms) / busy).toFixed(1).padStart(5)}%`;
  const list = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `  ${pct(ms)}  ${k}`)
      .join('\n');
  return [
    `main thread busy ${Math.round(busy)} ms of ${Math.round(elapsed - skipMs)} ms after start (percentages are of busy time)`,
    '',
    'self time by owner:',
    list(owners),
    '',
    'inclusive time by group (the sample had any of its code on the stack):',
    list(inclusiveByGroup),
    '',
    'inclusive time by owner (the sample had its code on the stack; async continuations start afresh):',
    list(inclusiveByOwner),
    '',
    'self time by function:',
    list(selfByFunction),
    '',
    'inclusive time by function (JavaScript frames):',
    list(inclusiveByFunction),
  ].join('\n');
}

/** What to profile: a name for the files, and the load on a started server (as {@link load} takes it). */
export interface ProfiledLoad {
  name: string;
  spec: (rk: Realmkit, s: Settings) => Promise<Omit<Parameters<typeof load>[0], 'url' | 'warmupS' | 'durationS'>>;
}

/**
 * Profiles the server under `work`: a Realmkit started with `--cpu-prof` on the run's database,
 * the same load as the figure, then a summary of the profile (the file stays in `s.workDir`).
 * Kept apart from the measured runs, whose figures the profiler would slow down.
 */
export async function profileServer(s: Settings, databaseUrl: string, work: ProfiledLoad): Promise<string> {
  const dir = path.join(s.workDir, `profile-${work.name}`);
  const rk = await startRealmkit({
    databaseUrl,
    dataDir: path.join(s.workDir, 'profile-data'),
    logFile: path.join(s.workDir, `profile-${work.name}.log`),
    logLevel: s.logLevel,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  try {
    const spec = await work.spec(rk, s);
    progress(`profiling ${work.name} (--cpu-prof into ${dir})`);
    await load({ ...spec, url: rk.url, warmupS: s.warmupS, durationS: s.durationS });
    if (spec.bodiesFile) rmSync(spec.bodiesFile, { force: true });
  } finally {
    await rk.stop();
  }
  // The server restarts itself with its heap flags (execve, same pid): the first image sometimes
  // leaves a short profile of its own beside the server's. The server's is the largest.
  const file = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(path.join(dir, b)).size - statSync(path.join(dir, a)).size)[0];
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  return `${work.name}: ${path.join(dir, file)}\n\n${summarize(profile, rk.readyAt - rk.startedAt)}`;
}

/**
 * Assertions signed for the profiled `private_key_jwt` load, per second of it: more than the
 * server makes under the profiler on this machine.
 */
const PROFILED_ASSERTION_RATE = 3000;

/** The names of {@link profiledLoads}' loads (`--profiles=`). */
export function profileNames(): string[] {
  return profiledLoads({ clientId: '', clientSecret: '' }, '').map((work) => work.name);
}

/**
 * The paths the figures ask most of: the token endpoint (figures 1 and 3, 10 with
 * `private_key_jwt`, 11 DPoP-bound), a user by id (figure 4, and 12 with a DPoP-bound token), the
 * refresh_token grant (figure 8) and a whole sign-in (figure 9).
 */
export function profiledLoads(client: { clientId: string; clientSecret: string }, resource: string): ProfiledLoad[] {
  const { headers, body } = tokenRequest(client, { resource, scope: 'read' });
  return [
    {
      name: 'token-endpoint',
      spec: async () => ({ method: 'POST', headers, body, paths: ['/oauth2/bench/token'] }),
    },
    {
      // Signing ES256 costs a tenth of RS256: what is left is the per-request cost around it.
      name: 'token-endpoint-es256',
      spec: async (rk) => {
        const realm = `profile-es256-${Date.now().toString(36)}`;
        await rk.admin.expect('POST', '/api/v1/realms', { name: realm, signing_algorithm: 'ES256' });
        const es256Client = await rk.admin.m2mClient(realm, resource, ['read']);
        const request = tokenRequest(es256Client, { resource, scope: 'read' });
        return { method: 'POST', ...request, paths: [`/oauth2/${realm}/token`] };
      },
    },
    {
      // Figure 1's work, and the client's ES256 assertion verified and its jti stored.
      name: 'token-endpoint-private-key-jwt',
      spec: async (rk, s) => {
        const { tokenPath, assertions } = await privateKeyJwtClient(rk, assertionKey());
        return assertionLoadSpec(s, tokenPath, assertions, PROFILED_ASSERTION_RATE, 'profile').spec;
      },
    },
    {
      // Figure 1's work, and a DPoP proof per request verified and its jti stored (figure 11).
      name: 'token-endpoint-dpop',
      spec: async () => ({ method: 'POST', headers, body, paths: ['/oauth2/bench/token'], dpop: { key: dpopKey() } }),
    },
    {
      name: 'get-user',
      spec: async (rk) => {
        const user = await rk.admin.expect('POST', '/api/v1/bench/users', {
          email: `profiled-${Date.now()}@bench.test`,
        });
        return { headers: { authorization: `Bearer ${rk.admin.token}` }, paths: [`/api/v1/bench/users/${user.id}`] };
      },
    },
    {
      // Figure 4's first page of the users list with its total (the realm's users as they are).
      name: 'users-list',
      spec: async (rk) => {
        for (let i = 0; i < 20; i++) {
          await rk.admin.expect('POST', '/api/v1/bench/users', {
            email: `profiled-list-${Date.now()}-${i}@bench.test`,
          });
        }
        return { headers: { authorization: `Bearer ${rk.admin.token}` }, paths: ['/api/v1/bench/users'] };
      },
    },
    {
      // Figure 6: creating users with a password (argon2id on libuv's pool), as its load does.
      name: 'create-user',
      spec: async (rk) => ({
        method: 'POST',
        headers: { authorization: `Bearer ${rk.admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `profiled-{{n}}-${Date.now()}@bench.test`,
          name: 'Bench User',
          password: 'correct horse battery staple',
        }),
        paths: ['/api/v1/bench/users'],
      }),
    },
    {
      // Figure 12: the same read with a DPoP-bound token of the bench's admin client, a proof per request.
      name: 'get-user-dpop',
      spec: async (rk) => {
        const user = await rk.admin.expect('POST', '/api/v1/bench/users', {
          email: `profiled-dpop-${Date.now()}@bench.test`,
        });
        const key = dpopKey();
        const tokenUrl = `${rk.url}/oauth2/master/token`;
        const admin = tokenRequest(BENCH_ADMIN);
        const response = await fetch(tokenUrl, {
          method: 'POST',
          headers: { ...admin.headers, dpop: proofSigner(key)('POST', tokenUrl) },
          body: admin.body,
        });
        const { access_token: token } = (await response.json()) as { access_token: string };
        return {
          headers: { authorization: `DPoP ${token}` },
          paths: [`/api/v1/bench/users/${user.id}`],
          dpop: { key, accessToken: token },
        };
      },
    },
    {
      name: 'refresh-grant',
      spec: async (rk, s) => {
        const { client, tokens } = await setUpSignIn(rk, 8, chainsNeeded(CONNECTIONS, s.warmupS));
        const { tokenPath, clientId } = client;
        return { paths: [tokenPath], scenario: { kind: 'refresh', tokenPath, clientId, tokens } };
      },
    },
    {
      name: 'sign-in',
      spec: async (rk) => {
        const { client, users } = await setUpSignIn(rk, 64, 0);
        return { paths: [client.authorizePath], scenario: { kind: 'signin', client, users } };
      },
    },
  ];
}
