import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rawArgon2VerifyRate } from '../baselines.ts';
import { CONNECTIONS, chainsNeeded, type LoadResult, load } from '../loadgen.ts';
import { freePort, SRC, spawnNode, waitUntil } from '../processes.ts';
import type { Realmkit } from '../realmkit.ts';
import { fmt, loadWarning, noteCpu, progress, type Row, showFailures } from '../report.ts';
import { freshDatabase, type Settings } from '../settings.ts';
import {
  decodeJwt,
  discover,
  FORM,
  refresh,
  refreshBody,
  type SignInClient,
  signIn,
  type TokenResponse,
  type User,
} from '../signin-flow.ts';

const REALM = 'bench';
/** Registered on both sides; never followed (the redirect's Location is read, not fetched). */
const REDIRECT_URI = 'https://app.bench.test/callback';
const SCOPE = 'openid offline_access';
const PASSWORD = 'correct horse battery staple';
/** The API the peer's access tokens are for when Realmkit's are JWTs (see peerRefreshLoad). */
const PEER_RESOURCE = 'https://api.bench.test';

/** `count` results of `fn(i)`, at most `concurrency` at a time. */
async function inPool<T>(count: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const i = next++;
      results[i] = await fn(i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** What a refresh answers, in words: the kinds of its tokens (the two sides must match). */
function shapeOf(tokens: TokenResponse): string {
  const access = decodeJwt(tokens.access_token);
  const id = tokens.id_token ? decodeJwt(tokens.id_token) : undefined;
  return [
    access ? `access token a ${access.header.alg} JWT` : 'opaque access token',
    tokens.id_token ? `ID token ${id?.header.alg}` : 'no ID token',
  ].join(', ');
}

/**
 * One refresh on `token`'s chain, then the same token again, which must be refused: the side
 * rotates refresh tokens. Answers the refresh's shape. Spends the chain (a reused token revokes
 * its grant on both sides).
 */
async function checkRotation(origin: string, tokenPath: string, clientId: string, token: string): Promise<string> {
  const next = await refresh(origin, tokenPath, clientId, token);
  if (next.refresh_token === token)
    throw new Error(`${origin}: the refresh_token grant gave the same refresh token back`);
  const again = await fetch(`${origin}${tokenPath}`, {
    method: 'POST',
    headers: FORM,
    body: refreshBody(clientId, token),
  });
  await again.body?.cancel();
  if (again.status === 200) throw new Error(`${origin}: a used refresh token was accepted again (no rotation)`);
  return shapeOf(next);
}

function refreshLoad(
  s: Settings,
  origin: string,
  tokenPath: string,
  clientId: string,
  tokens: string[],
  serverPid: number,
): Promise<LoadResult> {
  return load({
    url: origin,
    paths: [tokenPath],
    warmupS: s.warmupS,
    durationS: s.durationS,
    serverPid,
    scenario: { kind: 'refresh', tokenPath, clientId, tokens },
  });
}

/**
 * node-oidc-provider's refresh_token grant under the same load: its public client, rotation on,
 * the refresh tokens minted through its models before it listens (oidc-peer-refresh.ts), its
 * access tokens of the same kind as Realmkit's (RS256 JWTs for an API when Realmkit's are JWTs,
 * its opaque userinfo tokens otherwise).
 */
async function peerRefreshLoad(
  s: Settings,
  store: 'postgres' | 'memory',
  realmkitShape: string,
  users: number,
): Promise<{ result: LoadResult; shape: string }> {
  const port = await freePort();
  const clientId = 'bench-spa';
  const tokensFile = path.join(s.workDir, `oidc-provider-refresh-${store}.json`);
  const chains = chainsNeeded(CONNECTIONS, s.warmupS) + 1;
  const child = spawnNode(path.join(SRC, 'children', 'oidc-peer-refresh.ts'), [], {
    env: {
      PORT: String(port),
      PEER_STORE: store,
      PEER_DATABASE_URL: store === 'postgres' ? await freshDatabase(s, `${s.dbPrefix}_peer`) : undefined,
      PEER_RESOURCE: realmkitShape.startsWith('access token a') ? PEER_RESOURCE : '',
      PEER_CLIENT: JSON.stringify({ clientId, redirectUri: REDIRECT_URI }),
      PEER_CHAINS: String(chains),
      PEER_USERS: String(users),
      PEER_TOKENS_FILE: tokensFile,
    },
    logFile: path.join(s.workDir, `oidc-provider-refresh-${store}.log`),
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      `node-oidc-provider (${store}) start`,
      async () => (await fetch(`${origin}/.well-known/openid-configuration`)).ok,
      { child },
    );
    const { tokenPath } = await discover(origin);
    const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as string[];
    const shape = await checkRotation(origin, tokenPath, clientId, tokens.pop() as string);
    const result = await refreshLoad(s, origin, tokenPath, clientId, tokens, child.pid);
    return { result, shape };
  } finally {
    await child.stop();
  }
}

/**
 * What both figures need of Realmkit: a `spa` application of realm `bench` (discovered
 * endpoints), `userCount` users with a password, and, unless `chains` is 0, that many refresh
 * tokens, each from a real sign-in (authorize, login form, code exchange with PKCE,
 * `openid offline_access`).
 */
export async function setUpSignIn(
  rk: Realmkit,
  userCount: number,
  chains: number,
): Promise<{ client: SignInClient; users: User[]; tokens: string[] }> {
  await rk.admin.ensureRealm(REALM);
  const app = await rk.admin.signInApp(REALM, 'spa', REDIRECT_URI);
  const client: SignInClient = {
    ...(await discover(`${rk.url}/oauth2/${REALM}`)),
    clientId: app.clientId,
    redirectUri: REDIRECT_URI,
    scope: SCOPE,
  };
  progress(`Realmkit sign-in set-up: ${userCount} users, a spa application, ${chains} sign-ins for refresh tokens`);
  const stamp = Date.now().toString(36);
  const users: User[] = await inPool(userCount, 4, async (i) => {
    const email = `signin-${stamp}-${i}@bench.test`;
    await rk.admin.userWithPassword(REALM, email, PASSWORD);
    return { identifier: email, password: PASSWORD };
  });
  const tokens = await inPool(chains, 4, async (i) => {
    const signedIn = await signIn(client, users[i % users.length] as User);
    return signedIn.refresh_token as string;
  });
  return { client, users, tokens };
}

/**
 * Figures 8 and 9: the refresh_token grant (rotating) against node-oidc-provider's, on
 * PostgreSQL and, for information, on its in-memory development adapter; whole sign-ins per
 * second (authorize, login form, code exchange) against raw argon2id verifications per second.
 */
export async function signInFigures(s: Settings, rk: Realmkit, rows: Row[]): Promise<void> {
  const userCount = s.tiny ? 8 : 64;
  // Figure 8: each chain starts with a real sign-in; one more checks the rotation first.
  const { client, users, tokens } = await setUpSignIn(rk, userCount, chainsNeeded(CONNECTIONS, s.warmupS) + 1);
  const realmkitShape = await checkRotation(client.origin, client.tokenPath, client.clientId, tokens.pop() as string);
  progress(`Realmkit refresh_token grant (${realmkitShape}, refresh token rotated)`);
  const realmkit = await refreshLoad(s, client.origin, client.tokenPath, client.clientId, tokens, rk.child.pid);
  noteCpu('Realmkit refresh_token grant', realmkit);
  showFailures('Realmkit refresh_token grant', realmkit);

  const peers: Row[] = [];
  for (const store of ['postgres', 'memory'] as const) {
    progress(
      `node-oidc-provider refresh_token grant, ${store === 'postgres' ? 'PostgreSQL adapter' : 'in-memory adapter'}`,
    );
    const peer = await peerRefreshLoad(s, store, realmkitShape, userCount);
    noteCpu(`node-oidc-provider refresh_token grant (${store})`, peer.result);
    showFailures(`node-oidc-provider (${store})`, peer.result);
    const ratio = realmkit.requestsPerSecond / peer.result.requestsPerSecond;
    const mismatch =
      peer.shape === realmkitShape ? undefined : `the peer answers ${peer.shape}; Realmkit ${realmkitShape}`;
    peers.push({
      figure:
        store === 'postgres'
          ? '8. refresh_token grant (rotating) ÷ node-oidc-provider on PostgreSQL'
          : '8. refresh_token grant ÷ node-oidc-provider, in-memory dev adapter, for information',
      measured: fmt.rate(realmkit.requestsPerSecond, 'tokens/s'),
      baseline: fmt.rate(peer.result.requestsPerSecond, 'tokens/s'),
      ratio,
      target: store === 'postgres' ? '≥ 1.3' : '—',
      met: store === 'postgres' ? ratio >= 1.3 : undefined,
      warning: loadWarning(realmkit) ?? loadWarning(peer.result) ?? mismatch,
    });
    if (store === 'postgres') {
      peers.push({
        figure: '8. refresh_token grant p99 (Realmkit; baseline: node-oidc-provider on PostgreSQL)',
        measured: fmt.ms(realmkit.latencyMs.p99),
        baseline: fmt.ms(peer.result.latencyMs.p99),
        ratio: realmkit.latencyMs.p99 / peer.result.latencyMs.p99,
        target: '—',
        met: undefined,
      });
    }
  }
  rows.push(...peers);

  // Figure 9.
  progress('raw argon2id verification rate (the server’s parameters and thread pool)');
  const verify = await rawArgon2VerifyRate(s);
  noteCpu('raw argon2id verify (no load generator)', { serverCpuMsPerRequest: verify.cpuMsPerHash });
  progress('Realmkit full sign-ins (authorize, login form, code exchange)');
  // A sign-in takes hundreds of milliseconds under load (32 argon2id verifications queue for the
  // pool's 4 threads): a load that starts measuring cold counts too few, and a 1 s one may count
  // none. A tiny run too warms up for 1 s, then measures for 2.
  const signIns = await load({
    url: client.origin,
    paths: [client.authorizePath],
    warmupS: Math.max(s.warmupS, 1),
    durationS: Math.max(s.durationS, 2),
    serverPid: rk.child.pid,
    scenario: { kind: 'signin', client, users },
  });
  noteCpu('Realmkit full sign-in (3 requests, argon2id verify included)', signIns);
  showFailures('Realmkit full sign-ins', signIns);
  const ratio = signIns.requestsPerSecond / verify.perSecond;
  rows.push({
    figure: '9. Full sign-ins ÷ raw argon2id verification',
    measured: fmt.rate(signIns.requestsPerSecond, 'sign-ins/s'),
    baseline: fmt.rate(verify.perSecond, 'verifications/s'),
    ratio,
    target: '≥ 0.8',
    met: ratio >= 0.8,
    warning: loadWarning(signIns),
  });
  rows.push({
    figure: '9. Full sign-in p99, the three requests (Realmkit), for information',
    measured: fmt.ms(signIns.latencyMs.p99),
    baseline: '—',
    ratio: undefined,
    target: '—',
    met: undefined,
  });
}
