import path from 'node:path';
import { type Child, freePort, ROOT, spawnNode, waitUntil } from './processes.ts';

/** Fixed, so a reused bench database keeps working across runs. Bench databases only. */
export const BENCH_SECRET_KEY = Buffer.alloc(32, 11).toString('base64');
export const BENCH_ADMIN = { clientId: 'bench-admin', clientSecret: 'bench-admin-secret-0123456789' };

export interface RealmkitOptions {
  /** PostgreSQL; unset runs the embedded database in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  logFile: string;
  /** `--cpu-prof` and the like. */
  nodeArgs?: string[];
  /** LOG_LEVEL; unset keeps the server's default. */
  logLevel?: string;
  /**
   * Run `npm start`'s command from the TypeScript sources instead of the built server
   * (`apps/server/bin/realmkit.mjs start`, what the package and the Dockerfile run).
   */
  fromSource?: boolean;
}

/** The built server's command, as `npx realmkit` runs it. */
const BUILT_SERVER = path.join(ROOT, 'apps/server/bin/realmkit.mjs');
/** `npm start`'s: the same command from the sources, which Node strips of their types as it loads them. */
const SOURCE_SERVER = path.join(ROOT, 'apps/server/src/cli/main.ts');

export interface Realmkit {
  readonly url: string;
  readonly child: Child;
  readonly admin: AdminApi;
  stop(): Promise<void>;
}

/** The form body and header of a client_credentials request with `client_secret_basic`. */
export function tokenRequest(client: { clientId: string; clientSecret: string }, form: Record<string, string> = {}) {
  const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`);
  return {
    headers: {
      authorization: `Basic ${basic.toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...form }).toString(),
  };
}

/** One token from `realm`'s endpoint, or `undefined` if it answered anything but 200. */
export async function tryToken(url: string, realm: string, client: { clientId: string; clientSecret: string }) {
  const { headers, body } = tokenRequest(client);
  const response = await fetch(`${url}/oauth2/${realm}/token`, { method: 'POST', headers, body });
  if (response.status !== 200) {
    await response.body?.cancel();
    return undefined;
  }
  return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * Starts the built server (`realmkit start`, as the package runs it; from the sources with
 * `fromSource`) with the bench's Node, and waits until it issues a token. `startedAt` is when the process was spawned: the cold start is measured from it.
 */
export async function startRealmkit(
  options: RealmkitOptions,
): Promise<Realmkit & { startedAt: number; readyAt: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const startedAt = performance.now();
  const child = spawnNode(options.fromSource ? SOURCE_SERVER : BUILT_SERVER, ['start'], {
    logFile: options.logFile,
    nodeArgs: options.nodeArgs,
    sourceConditions: options.fromSource === true,
    env: {
      PORT: String(port),
      REALMKIT_ISSUER_URL: url,
      DATABASE_URL: options.databaseUrl,
      REALMKIT_DATA_DIR: options.dataDir,
      REALMKIT_SECRET_KEY: BENCH_SECRET_KEY,
      REALMKIT_BOOTSTRAP_CLIENT_ID: BENCH_ADMIN.clientId,
      REALMKIT_BOOTSTRAP_CLIENT_SECRET: BENCH_ADMIN.clientSecret,
      LOG_LEVEL: options.logLevel,
      // A benchmark measures capacity, not the limiter (30 tokens/s per client by default):
      // node-oidc-provider has none either.
      REALMKIT_RATE_LIMIT_TOKEN_PER_CLIENT: 'off',
      REALMKIT_RATE_LIMIT_TOKEN_PER_IP: 'off',
      REALMKIT_RATE_LIMIT_MANAGEMENT_PER_CLIENT: 'off',
      // Figure 9 signs 64 users in from one address hundreds of times a minute: the login limit
      // (100 posts a minute per IP) would answer 429 to nearly all of it. The guessing delays stay
      // on: they slow failures only, and every sign-in of the figure succeeds.
      REALMKIT_RATE_LIMIT_LOGIN_PER_IP: 'off',
    },
  });
  let token: string | undefined;
  try {
    await waitUntil(
      'Realmkit start',
      async () => {
        token = await tryToken(url, 'master', BENCH_ADMIN);
        return token !== undefined;
      },
      { child, everyMs: 10 },
    );
  } catch (error) {
    await child.stop();
    throw new Error(`${(error as Error).message} (log: ${options.logFile})`);
  }
  const readyAt = performance.now();
  return { url, child, admin: new AdminApi(url, token as string), startedAt, readyAt, stop: () => child.stop() };
}

/**
 * `realmkit migrate` on `databaseUrl`, waited for to the end: a migration that builds an index
 * over millions of users takes minutes, longer than {@link startRealmkit} waits for a start.
 */
export async function migrateRealmkit(databaseUrl: string, dataDir: string, logFile: string): Promise<void> {
  const child = spawnNode(BUILT_SERVER, ['migrate'], {
    logFile,
    sourceConditions: false,
    env: { DATABASE_URL: databaseUrl, REALMKIT_DATA_DIR: dataDir, REALMKIT_SECRET_KEY: BENCH_SECRET_KEY },
  });
  const code = await child.exited;
  if (code !== 0) throw new Error(`realmkit migrate exited with ${code} (log: ${logFile})`);
}

/** Just enough of the Management API to set a benchmark up. */
export class AdminApi {
  readonly #url: string;
  readonly #token: string;

  constructor(url: string, token: string) {
    this.#url = url;
    this.#token = token;
  }

  get token(): string {
    return this.#token;
  }

  /** The response, whatever its status (`ok` says whether it was 2xx). */
  async call(method: string, apiPath: string, json?: unknown) {
    const response = await fetch(`${this.#url}${apiPath}`, {
      method,
      headers: {
        authorization: `Bearer ${this.#token}`,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: bench set-up reads a few fields by name
    const body: any = text ? JSON.parse(text) : undefined;
    return { ok: response.ok, status: response.status, body };
  }

  /** Like {@link call}, but a non-2xx answer throws; returns `data`. */
  // biome-ignore lint/suspicious/noExplicitAny: bench set-up reads a few fields by name
  async expect(method: string, apiPath: string, json?: unknown): Promise<any> {
    const response = await this.call(method, apiPath, json);
    if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body?.data;
  }

  /** The realm named `name`, created (with `extra` fields) unless it exists. */
  async ensureRealm(name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
    const existing = await this.call('GET', `/api/v1/realms/${name}`);
    if (existing.ok) return existing.body.data;
    return this.expect('POST', '/api/v1/realms', { name, ...extra });
  }

  /**
   * An m2m client of `realm` holding `scopes` of an API resource `indicator` (created with those
   * scopes), as a user of Realmkit would set one up.
   */
  async m2mClient(realm: string, indicator: string, scopes: string[]) {
    const app = await this.#m2mApplication(realm, indicator, scopes, {});
    return { clientId: app.client_id as string, clientSecret: app.client_secret as string };
  }

  /**
   * Like {@link m2mClient}, but the application authenticates with `private_key_jwt` (RFC 7523
   * §2.2) and one of `jwks`'s keys instead of a secret.
   */
  async m2mKeyClient(realm: string, indicator: string, scopes: string[], jwks: { keys: object[] }) {
    const app = await this.#m2mApplication(realm, indicator, scopes, {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks,
    });
    return { clientId: app.client_id as string };
  }

  // biome-ignore lint/suspicious/noExplicitAny: bench set-up reads a few fields by name
  async #m2mApplication(realm: string, indicator: string, scopes: string[], fields: object): Promise<any> {
    const api = `/api/v1/${realm}`;
    const suffix = Math.random().toString(36).slice(2, 8);
    const resource = await this.expect('POST', `${api}/resources`, { name: `bench-${suffix}`, indicator });
    const scopeIds: string[] = [];
    for (const name of scopes) {
      scopeIds.push((await this.expect('POST', `${api}/resources/${resource.id}/scopes`, { name })).id);
    }
    const role = await this.expect('POST', `${api}/roles`, { name: `bench-${suffix}` });
    await this.expect('POST', `${api}/roles/${role.id}/scopes`, { scope_ids: scopeIds });
    const app = await this.expect('POST', `${api}/applications`, { name: `bench-${suffix}`, type: 'm2m', ...fields });
    await this.expect('POST', `${api}/applications/${app.id}/roles`, { role_ids: [role.id] });
    return app;
  }

  /**
   * An application of `realm` that users sign in to (`spa`: a public client with PKCE;
   * `traditional`: confidential), with `redirectUri` registered.
   */
  async signInApp(realm: string, type: 'spa' | 'traditional', redirectUri: string) {
    const suffix = Math.random().toString(36).slice(2, 8);
    const app = await this.expect('POST', `/api/v1/${realm}/applications`, {
      name: `bench-signin-${suffix}`,
      type,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [],
    });
    return { clientId: app.client_id as string, clientSecret: app.client_secret as string | undefined };
  }

  /** A user of `realm` with a password (hashed by the server: argon2id). */
  async userWithPassword(realm: string, email: string, password: string): Promise<{ id: string; email: string }> {
    return this.expect('POST', `/api/v1/${realm}/users`, { email, password, name: email.split('@')[0] });
  }
}
