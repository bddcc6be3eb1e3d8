import path from 'node:path';
import { rawSignRate } from '../baselines.ts';
import {
  type AssertionKey,
  assertionBody,
  assertionKey,
  signAssertion,
  writeAssertionBodies,
} from '../client-assertions.ts';
import { CONNECTIONS, type LoadResult, load } from '../loadgen.ts';
import { freePort, SRC, sampleRss, spawnNode, waitUntil } from '../processes.ts';
import { type Realmkit, tokenRequest } from '../realmkit.ts';
import { fmt, loadWarning, noteCpu, progress, type Row, showFailures } from '../report.ts';
import { freshDatabase, type Settings } from '../settings.ts';
import { FORM } from '../signin-flow.ts';

/** The API both servers issue tokens for (RFC 8707 resource indicator), and the scope asked. */
export const RESOURCE = 'https://api.bench.test';
export const SCOPE = 'read';

/** Token load on `url`: `client_secret_basic`, one resource, one scope, 32 connections. */
function tokenLoad(
  s: Settings,
  url: string,
  tokenPath: string,
  client: { clientId: string; clientSecret: string },
  serverPid: number,
): Promise<LoadResult> {
  const { headers, body } = tokenRequest(client, { resource: RESOURCE, scope: SCOPE });
  return load({
    url,
    method: 'POST',
    headers,
    body,
    paths: [tokenPath],
    warmupS: s.warmupS,
    durationS: s.durationS,
    serverPid,
  });
}

/** The `alg` in a JWT's header. */
/**
 * The rows of a figure that compares Realmkit's token endpoint with node-oidc-provider doing the
 * same on `store`: the ratio (target ≥ 1.3 on PostgreSQL, for information in memory), and on
 * PostgreSQL the two p99s.
 */
export function peerRows(figure: string, realmkit: LoadResult, peer: LoadResult, store: 'postgres' | 'memory'): Row[] {
  const ratio = realmkit.requestsPerSecond / peer.requestsPerSecond;
  const rows: Row[] = [
    {
      figure:
        store === 'postgres'
          ? `${figure} ÷ node-oidc-provider on PostgreSQL`
          : `${figure} ÷ node-oidc-provider, in-memory dev adapter, for information`,
      measured: fmt.rate(realmkit.requestsPerSecond, 'tokens/s'),
      baseline: fmt.rate(peer.requestsPerSecond, 'tokens/s'),
      ratio,
      target: store === 'postgres' ? '≥ 1.3' : '—',
      met: store === 'postgres' ? ratio >= 1.3 : undefined,
      warning: loadWarning(realmkit) ?? loadWarning(peer),
    },
  ];
  if (store === 'postgres') {
    rows.push({
      figure: `${figure}, p99 (Realmkit; baseline: node-oidc-provider on PostgreSQL)`,
      measured: fmt.ms(realmkit.latencyMs.p99),
      baseline: fmt.ms(peer.latencyMs.p99),
      ratio: realmkit.latencyMs.p99 / peer.latencyMs.p99,
      target: '—',
      met: undefined,
    });
  }
  return rows;
}

export function algOf(jwt: string): string | undefined {
  const header = jwt.split('.')[0] ?? '';
  return (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string }).alg;
}

async function firstToken(url: string, tokenPath: string, client: { clientId: string; clientSecret: string }) {
  const { headers, body } = tokenRequest(client, { resource: RESOURCE, scope: SCOPE });
  const response = await fetch(`${url}${tokenPath}`, { method: 'POST', headers, body });
  const json = (await response.json()) as { access_token?: string };
  if (!response.ok || !json.access_token)
    throw new Error(`${url}${tokenPath}: ${response.status} ${JSON.stringify(json)}`);
  return json.access_token;
}

/**
 * node-oidc-provider (the peer, children/oidc-peer.ts) with the same client, resource and key
 * type, and `env` beside them; runs `use` once it issues a token to the client_secret_basic client.
 */
export async function withPeer<T>(
  s: Settings,
  client: { clientId: string; clientSecret: string },
  logName: string,
  env: Record<string, string>,
  use: (url: string, pid: number) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const child = spawnNode(path.join(SRC, 'children', 'oidc-peer.ts'), [], {
    env: { PORT: String(port), PEER_RESOURCE: RESOURCE, PEER_CLIENT: JSON.stringify(client), ...env },
    logFile: path.join(s.workDir, `${logName}.log`),
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil('node-oidc-provider start', async () => Boolean(await firstToken(url, '/token', client)), {
      child,
    });
    return await use(url, child.pid);
  } finally {
    await child.stop();
  }
}

/** node-oidc-provider under the same load as figure 1's. */
function peerLoad(s: Settings, client: { clientId: string; clientSecret: string }): Promise<LoadResult> {
  return withPeer(s, client, 'oidc-provider', {}, async (url, pid) => {
    const token = await firstToken(url, '/token', client);
    if (algOf(token) !== 'RS256') throw new Error(`node-oidc-provider signed with ${algOf(token)}, not RS256`);
    return tokenLoad(s, url, '/token', client, pid);
  });
}

/**
 * Figures 1-3: RS256 tokens/s against raw single-core signing and against node-oidc-provider,
 * ES256 tokens/s against raw ES256 signing; figure 10: RS256 tokens/s with `private_key_jwt`
 * against node-oidc-provider. `client`: an m2m client of the realm `bench` holding {@link RESOURCE}'s
 * scopes. Answers the server's peak RSS under the RS256 load.
 */
export async function tokenFigures(
  s: Settings,
  rk: Realmkit,
  rows: Row[],
  client: { clientId: string; clientSecret: string },
): Promise<{ peakRss: number | undefined }> {
  progress('raw RS256 signing rate (node:crypto, one core)');
  const rawRs256 = await rawSignRate('RS256', s);

  const tokenPath = '/oauth2/bench/token';
  const sample = await firstToken(rk.url, tokenPath, client);
  if (algOf(sample) !== 'RS256') throw new Error(`Realmkit signed with ${algOf(sample)}, not RS256`);

  progress('Realmkit token endpoint, RS256');
  const rss = sampleRss(rk.child.pid);
  const realmkit = await tokenLoad(s, rk.url, tokenPath, client, rk.child.pid);
  noteCpu('Realmkit token, RS256', realmkit);
  const peakRss = rss.stop();
  const ratio1 = realmkit.requestsPerSecond / rawRs256;
  rows.push({
    figure: '1. Token endpoint RS256 ÷ raw RS256 signing',
    measured: fmt.rate(realmkit.requestsPerSecond, 'tokens/s'),
    baseline: fmt.rate(rawRs256, 'signatures/s'),
    ratio: ratio1,
    target: '≥ 1.0',
    met: ratio1 >= 1.0,
    warning: loadWarning(realmkit),
  });

  progress('node-oidc-provider token endpoint, RS256 JWT access tokens');
  const peer = await peerLoad(s, client);
  noteCpu('node-oidc-provider token, RS256', peer);
  const ratio2 = realmkit.requestsPerSecond / peer.requestsPerSecond;
  rows.push({
    figure: '2. Token endpoint RS256 ÷ node-oidc-provider',
    measured: fmt.rate(realmkit.requestsPerSecond, 'tokens/s'),
    baseline: fmt.rate(peer.requestsPerSecond, 'tokens/s'),
    ratio: ratio2,
    target: '≥ 1.3',
    met: ratio2 >= 1.3,
    warning: loadWarning(peer),
  });
  rows.push({
    figure: '2. Token endpoint p99 (Realmkit; baseline: node-oidc-provider)',
    measured: fmt.ms(realmkit.latencyMs.p99),
    baseline: fmt.ms(peer.latencyMs.p99),
    ratio: realmkit.latencyMs.p99 / peer.latencyMs.p99,
    target: '≤ 40 ms',
    met: realmkit.latencyMs.p99 <= 40,
  });

  rows.push(...(await es256Figure(s, rk)));
  rows.push(
    ...(await privateKeyJwtFigure(s, rk, client, Math.max(realmkit.requestsPerSecond, peer.requestsPerSecond))),
  );
  return { peakRss };
}

/**
 * Figure 3, or `n/a` while realms cannot choose their signing algorithm; and, for information,
 * the same tokens/s against raw ES256 signing with the bare `KeyObject`: figure 3's baseline
 * passes the key in an options object (`dsaEncoding`), which costs node 24 about as much as the
 * signature itself, and the server no longer pays that.
 */
async function es256Figure(s: Settings, rk: Realmkit): Promise<Row[]> {
  const figure = '3. Token endpoint ES256 ÷ raw ES256 signing';
  const created = await rk.admin.call('POST', '/api/v1/realms', {
    name: `bench-es256-${Date.now().toString(36)}`,
    signing_algorithm: 'ES256',
  });
  const na = (why: string): Row => ({
    figure,
    measured: `n/a (${why})`,
    baseline: '—',
    ratio: undefined,
    target: '≥ 0.3',
    met: undefined,
  });
  if (!created.ok) {
    if (created.status === 400) return [na('server does not support signing_algorithm yet')];
    throw new Error(`creating the ES256 realm: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const realm = created.body.data as { name: string };
  const client = await rk.admin.m2mClient(realm.name, RESOURCE, ['read', 'write']);
  const tokenPath = `/oauth2/${realm.name}/token`;
  const alg = algOf(await firstToken(rk.url, tokenPath, client));
  if (alg !== 'ES256') return [na(`the realm was created, but its tokens are signed with ${alg}`)];

  progress('raw ES256 signing rate (node:crypto, one core)');
  const rawEs256 = await rawSignRate('ES256', s);
  progress('Realmkit token endpoint, ES256 realm');
  const result = await tokenLoad(s, rk.url, tokenPath, client, rk.child.pid);
  noteCpu('Realmkit token, ES256', result);
  progress('raw ES256 signing rate with the bare KeyObject (node:crypto, one core)');
  const rawEs256KeyObject = await rawSignRate('ES256-KeyObject', s);
  const ratio = result.requestsPerSecond / rawEs256;
  return [
    {
      figure,
      measured: fmt.rate(result.requestsPerSecond, 'tokens/s'),
      baseline: fmt.rate(rawEs256, 'signatures/s'),
      ratio,
      target: '≥ 0.3',
      met: ratio >= 0.3,
      warning: loadWarning(result),
    },
    {
      figure: '3. Token endpoint ES256 ÷ raw ES256 signing with the bare KeyObject, for information',
      measured: fmt.rate(result.requestsPerSecond, 'tokens/s'),
      baseline: fmt.rate(rawEs256KeyObject, 'signatures/s'),
      ratio: result.requestsPerSecond / rawEs256KeyObject,
      target: '—',
      met: undefined,
    },
  ];
}

/** The `issuer` of the OpenID discovery document at `origin` + `/.well-known/openid-configuration`. */
async function issuerOf(origin: string): Promise<string> {
  const response = await fetch(`${origin}/.well-known/openid-configuration`);
  const document = (await response.json()) as { issuer?: string };
  if (!response.ok || !document.issuer) throw new Error(`${origin}: no discovery document (${response.status})`);
  return document.issuer;
}

/** Who signs figure 10's assertions, for whom. */
export interface Assertions {
  key: AssertionKey;
  clientId: string;
  /** The server's issuer: the `aud` both servers accept (RFC 7523 §3). */
  audience: string;
}

/**
 * One token with a fresh assertion (an RS256 JWT, as figure 2's), then the same assertion again,
 * which must be refused: the side makes the replay check that figure 10 counts.
 */
async function checkSingleUse(url: string, tokenPath: string, assertions: Assertions): Promise<void> {
  const { key, clientId, audience } = assertions;
  const body = assertionBody(clientId, signAssertion(key, clientId, audience), { resource: RESOURCE, scope: SCOPE });
  const post = () => fetch(`${url}${tokenPath}`, { method: 'POST', headers: FORM, body });
  const first = await post();
  const json = (await first.json()) as { access_token?: string };
  if (!first.ok || !json.access_token) throw new Error(`${url}${tokenPath}: ${first.status} ${JSON.stringify(json)}`);
  if (algOf(json.access_token) !== 'RS256')
    throw new Error(`${url} signed with ${algOf(json.access_token)}, not RS256`);
  const again = await post();
  await again.body?.cancel();
  if (again.status !== 401) throw new Error(`${url}${tokenPath}: a used client assertion got ${again.status}, not 401`);
}

/**
 * Figure 10's load as {@link load} takes it: figure 1's (one resource, one scope, 32 connections),
 * each request with an assertion of its own, signed now, right before the load: enough for
 * `expectedRate` × 1.5 over the warm-up and the measured phase, and the requests each phase's
 * connections build but never send. Answers it and a function that removes the bodies' file.
 */
export function assertionLoadSpec(
  s: Settings,
  tokenPath: string,
  assertions: Assertions,
  expectedRate: number,
  name: string,
) {
  const count = Math.ceil(expectedRate * 1.5 * (s.warmupS + s.durationS)) + 2 * CONNECTIONS;
  const file = path.join(s.workDir, `assertions-${name}.txt`);
  const remove = writeAssertionBodies(file, count, { ...assertions, form: { resource: RESOURCE, scope: SCOPE } });
  return { spec: { method: 'POST' as const, headers: FORM, bodiesFile: file, paths: [tokenPath] }, remove };
}

async function assertionLoad(
  s: Settings,
  url: string,
  tokenPath: string,
  assertions: Assertions,
  expectedRate: number,
  serverPid: number,
  name: string,
): Promise<LoadResult> {
  const { spec, remove } = assertionLoadSpec(s, tokenPath, assertions, expectedRate, name);
  try {
    return await load({ ...spec, url, warmupS: s.warmupS, durationS: s.durationS, serverPid });
  } finally {
    remove();
  }
}

/**
 * Realmkit's side of figure 10: a realm of its own (as figure 3's: a realm's API resource, by its
 * indicator, is created once) with an m2m application that authenticates with `key`
 * (`private_key_jwt`), holding figure 1's resource and scopes.
 */
export async function privateKeyJwtClient(
  rk: Realmkit,
  key: AssertionKey,
): Promise<{ tokenPath: string; assertions: Assertions }> {
  const realm = await rk.admin.ensureRealm(`bench-pkjwt-${Date.now().toString(36)}`);
  const { clientId } = await rk.admin.m2mKeyClient(realm.name, RESOURCE, ['read', 'write'], { keys: [key.publicJwk] });
  return {
    tokenPath: `/oauth2/${realm.name}/token`,
    assertions: { key, clientId, audience: await issuerOf(`${rk.url}/oauth2/${realm.name}`) },
  };
}

/**
 * Figure 10: client_credentials tokens/s with `private_key_jwt` (RFC 7523 §2.2, an ES256
 * assertion per request) against node-oidc-provider doing the same for the same client, key,
 * resource and scope. Each side verifies the signature and stores the assertion's `jti` so that it
 * is accepted once: Realmkit in PostgreSQL, the peer through its adapter, on PostgreSQL for the
 * target (a stored `jti` must outlive a restart and be seen by every instance) and, for
 * information, in its in-memory development adapter. `expectedRate` is figure 2's higher rate:
 * a client_secret_basic token costs either side less than this one.
 */
async function privateKeyJwtFigure(
  s: Settings,
  rk: Realmkit,
  secretClient: { clientId: string; clientSecret: string },
  expectedRate: number,
): Promise<Row[]> {
  const key = assertionKey();
  const { tokenPath, assertions: ours } = await privateKeyJwtClient(rk, key);
  const { clientId } = ours;
  await checkSingleUse(rk.url, tokenPath, ours);
  progress('Realmkit token endpoint, RS256, private_key_jwt (ES256 assertions)');
  const realmkit = await assertionLoad(s, rk.url, tokenPath, ours, expectedRate, rk.child.pid, 'realmkit');
  noteCpu('Realmkit token, RS256, private_key_jwt', realmkit);
  showFailures('Realmkit private_key_jwt', realmkit);

  const rows: Row[] = [];
  for (const store of ['postgres', 'memory'] as const) {
    progress(
      `node-oidc-provider token endpoint, private_key_jwt, ${store === 'postgres' ? 'PostgreSQL adapter' : 'in-memory adapter'}`,
    );
    const env = {
      PEER_KEY_CLIENT: JSON.stringify({ clientId, jwks: { keys: [key.publicJwk] } }),
      PEER_STORE: store,
      ...(store === 'postgres' ? { PEER_DATABASE_URL: await freshDatabase(s, `${s.dbPrefix}_peer`) } : {}),
    };
    const peer = await withPeer(s, secretClient, `oidc-provider-private-key-jwt-${store}`, env, async (url, pid) => {
      const theirs: Assertions = { key, clientId, audience: await issuerOf(url) };
      await checkSingleUse(url, '/token', theirs);
      return assertionLoad(s, url, '/token', theirs, expectedRate, pid, `peer-${store}`);
    });
    noteCpu(`node-oidc-provider token, RS256, private_key_jwt (${store})`, peer);
    showFailures(`node-oidc-provider private_key_jwt (${store})`, peer);
    rows.push(...peerRows('10. Token endpoint, private_key_jwt', realmkit, peer, store));
  }
  return rows;
}
