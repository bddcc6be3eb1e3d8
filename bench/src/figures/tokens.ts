import path from 'node:path';
import { rawSignRate } from '../baselines.ts';
import { type LoadResult, load } from '../loadgen.ts';
import { freePort, SRC, sampleRss, spawnNode, waitUntil } from '../processes.ts';
import { type Realmkit, tokenRequest } from '../realmkit.ts';
import { fmt, loadWarning, noteCpu, progress, type Row } from '../report.ts';
import type { Settings } from '../settings.ts';

/** The API both servers issue tokens for (RFC 8707 resource indicator), and the scope asked. */
export const RESOURCE = 'https://api.bench.test';
const SCOPE = 'read';

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
function algOf(jwt: string): string | undefined {
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

/** node-oidc-provider (the peer) with the same client, resource and key type, under the same load. */
async function peerLoad(s: Settings, client: { clientId: string; clientSecret: string }): Promise<LoadResult> {
  const port = await freePort();
  const child = spawnNode(path.join(SRC, 'children', 'oidc-peer.ts'), [], {
    env: { PORT: String(port), PEER_RESOURCE: RESOURCE, PEER_CLIENT: JSON.stringify(client) },
    logFile: path.join(s.workDir, 'oidc-provider.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil('node-oidc-provider start', async () => Boolean(await firstToken(url, '/token', client)), {
      child,
    });
    const token = await firstToken(url, '/token', client);
    if (algOf(token) !== 'RS256') throw new Error(`node-oidc-provider signed with ${algOf(token)}, not RS256`);
    return await tokenLoad(s, url, '/token', client, child.pid);
  } finally {
    await child.stop();
  }
}

/**
 * Figures 1-3: RS256 tokens/s against raw single-core signing and against node-oidc-provider,
 * ES256 tokens/s against raw ES256 signing. Answers the server's peak RSS under the RS256 load.
 */
export async function tokenFigures(
  s: Settings,
  rk: Realmkit,
  rows: Row[],
): Promise<{ peakRss: number | undefined; client: { clientId: string; clientSecret: string } }> {
  progress('raw RS256 signing rate (node:crypto, one core)');
  const rawRs256 = await rawSignRate('RS256', s);

  await rk.admin.ensureRealm('bench');
  const client = await rk.admin.m2mClient('bench', RESOURCE, ['read', 'write']);
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
  return { peakRss, client };
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
