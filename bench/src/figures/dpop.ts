import { accessTokenHash, type DpopKey, dpopKey, proofSigner, thumbprintOf } from '../dpop-proofs.ts';
import { type LoadResult, load } from '../loadgen.ts';
import { BENCH_ADMIN, type Realmkit, tokenRequest } from '../realmkit.ts';
import { fmt, loadWarning, noteCpu, progress, type Row, showFailures } from '../report.ts';
import { freshDatabase, type Settings } from '../settings.ts';
import { algOf, peerRows, RESOURCE, SCOPE, withPeer } from './tokens.ts';

type SecretClient = { clientId: string; clientSecret: string };

/** The claims of a JWT, unverified: the bench only checks what each side issued. */
function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * One client_credentials token with a fresh proof: a DPoP-bound RS256 JWT (`token_type: DPoP`,
 * `cnf.jkt` the key's thumbprint); then the same proof again, which must be refused (400): the
 * side checks each proof's `jti` once, as figure 11 counts. Answers the token.
 */
async function checkBoundToken(
  url: string,
  tokenPath: string,
  client: SecretClient,
  key: DpopKey,
  form: Record<string, string>,
): Promise<string> {
  const { headers, body } = tokenRequest(client, form);
  const proof = proofSigner(key)('POST', `${url}${tokenPath}`);
  const post = () => fetch(`${url}${tokenPath}`, { method: 'POST', headers: { ...headers, dpop: proof }, body });
  const first = await post();
  const json = (await first.json()) as { access_token?: string; token_type?: string };
  if (!first.ok || !json.access_token) throw new Error(`${url}${tokenPath}: ${first.status} ${JSON.stringify(json)}`);
  if (json.token_type !== 'DPoP') throw new Error(`${url}${tokenPath}: token_type ${json.token_type}, not DPoP`);
  if (algOf(json.access_token) !== 'RS256')
    throw new Error(`${url} signed with ${algOf(json.access_token)}, not RS256`);
  const cnf = claimsOf(json.access_token).cnf as { jkt?: string } | undefined;
  if (cnf?.jkt !== thumbprintOf(key))
    throw new Error(`${url}: the token's cnf is ${JSON.stringify(cnf)}, not the key's`);
  const again = await post();
  const refusal = await again.text();
  if (again.status !== 400) throw new Error(`${url}${tokenPath}: a used DPoP proof got ${again.status} ${refusal}`);
  return json.access_token;
}

/** Figure 11's load: figure 2's (client_secret_basic, one resource, one scope), each request with a proof of `key`. */
function boundTokenLoad(
  s: Settings,
  url: string,
  tokenPath: string,
  client: SecretClient,
  key: DpopKey,
  serverPid: number,
): Promise<LoadResult> {
  const { headers, body } = tokenRequest(client, { resource: RESOURCE, scope: SCOPE });
  return load({
    url,
    method: 'POST',
    headers,
    body,
    paths: [tokenPath],
    dpop: { key },
    warmupS: s.warmupS,
    durationS: s.durationS,
    serverPid,
  });
}

/**
 * Figure 11: DPoP-bound client_credentials tokens/s (RFC 9449 §5: a fresh ES256 proof per request,
 * made by the load generator) against node-oidc-provider doing the same for the same client,
 * resource and scope with its dPoP feature (on by default in 9.x, replay checks on). Each side
 * verifies the proof and stores its `jti` so that it is accepted once: Realmkit in PostgreSQL, the
 * peer through its adapter, on PostgreSQL for the target and, for information, in its in-memory
 * development adapter (as figure 10).
 */
async function boundTokenFigure(s: Settings, rk: Realmkit, client: SecretClient): Promise<Row[]> {
  const key = dpopKey();
  const tokenPath = '/oauth2/bench/token';
  await checkBoundToken(rk.url, tokenPath, client, key, { resource: RESOURCE, scope: SCOPE });
  progress('Realmkit token endpoint, RS256, DPoP-bound (an ES256 proof per request)');
  const realmkit = await boundTokenLoad(s, rk.url, tokenPath, client, key, rk.child.pid);
  noteCpu('Realmkit token, RS256, DPoP-bound', realmkit);
  showFailures('Realmkit DPoP-bound token', realmkit);

  const rows: Row[] = [];
  for (const store of ['postgres', 'memory'] as const) {
    progress(
      `node-oidc-provider token endpoint, DPoP-bound, ${store === 'postgres' ? 'PostgreSQL adapter' : 'in-memory adapter'}`,
    );
    const env = {
      PEER_STORE: store,
      ...(store === 'postgres' ? { PEER_DATABASE_URL: await freshDatabase(s, `${s.dbPrefix}_peer`) } : {}),
    };
    const peer = await withPeer(s, client, `oidc-provider-dpop-${store}`, env, async (url, pid) => {
      await checkBoundToken(url, '/token', client, key, { resource: RESOURCE, scope: SCOPE });
      return boundTokenLoad(s, url, '/token', client, key, pid);
    });
    noteCpu(`node-oidc-provider token, RS256, DPoP-bound (${store})`, peer);
    showFailures(`node-oidc-provider DPoP-bound token (${store})`, peer);
    rows.push(...peerRows('11. Token endpoint, DPoP-bound', realmkit, peer, store));
  }
  return rows;
}

/**
 * Figure 12: GET /api/v1/{realm}/users/{id} with a DPoP-bound token (`Authorization: DPoP`, a
 * fresh proof per request for its URL and token, made by the load generator: Realmkit verifies it
 * and stores its `jti`) ÷ the same reads with a bearer token of the same client, measured right
 * before, whose generator makes the same proofs and drops them (both loads cost the generator
 * alike on the shared cores): what the proof costs the server on a read.
 */
async function boundReadFigure(s: Settings, rk: Realmkit): Promise<Row[]> {
  const users = '/api/v1/bench/users';
  const paths: string[] = [];
  for (let i = 0; i < 20; i++) {
    const user = await rk.admin.expect('POST', users, {
      email: `dpop-reader${i}-${Date.now().toString(36)}@bench.test`,
      name: `DPoP reader ${i}`,
    });
    paths.push(`${users}/${user.id}`);
  }
  // The bench's admin client (the bearer side's token is its own), bound to a key of its own.
  const key = dpopKey();
  const token = await checkBoundToken(rk.url, '/oauth2/master/token', BENCH_ADMIN, key, {});
  const sign = proofSigner(key);
  const path = paths[0] as string;
  const proof = sign('GET', `${rk.url}${path}`, accessTokenHash(token));
  const read = () => fetch(`${rk.url}${path}`, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
  const first = await read();
  if (first.status !== 200)
    throw new Error(`GET ${path} with a DPoP-bound token: ${first.status} ${await first.text()}`);
  await first.body?.cancel();
  const again = await read();
  if (again.status !== 401) throw new Error(`GET ${path}: a used DPoP proof got ${again.status}, not 401`);
  await again.body?.cancel();

  progress('Realmkit GET /api/v1/{realm}/users/{id}, bearer token (a proof made per request, not sent)');
  const bearer = await load({
    url: rk.url,
    headers: { authorization: `Bearer ${rk.admin.token}` },
    paths,
    dpop: { key, accessToken: token, discard: true },
    warmupS: s.warmupS,
    durationS: s.durationS,
    serverPid: rk.child.pid,
  });
  noteCpu('Realmkit GET user by id, bearer token', bearer);
  progress('Realmkit GET /api/v1/{realm}/users/{id}, DPoP-bound token (a proof per request)');
  const bound = await load({
    url: rk.url,
    headers: { authorization: `DPoP ${token}` },
    paths,
    dpop: { key, accessToken: token },
    warmupS: s.warmupS,
    durationS: s.durationS,
    serverPid: rk.child.pid,
  });
  noteCpu('Realmkit GET user by id, DPoP-bound token', bound);
  const ratio = bound.requestsPerSecond / bearer.requestsPerSecond;
  return [
    {
      figure: '12. GET user by id, DPoP-bound token ÷ the same with a bearer token',
      measured: fmt.rate(bound.requestsPerSecond, 'req/s'),
      baseline: fmt.rate(bearer.requestsPerSecond, 'req/s'),
      ratio,
      target: '≥ 0.8',
      met: ratio >= 0.8,
      warning: loadWarning(bound) ?? loadWarning(bearer),
    },
  ];
}

/** Figures 11 and 12: DPoP-bound tokens (RFC 9449) at the token endpoint and on a Management API read. */
export async function dpopFigures(s: Settings, rk: Realmkit, client: SecretClient, rows: Row[]): Promise<void> {
  rows.push(...(await boundTokenFigure(s, rk, client)));
  rows.push(...(await boundReadFigure(s, rk)));
}
