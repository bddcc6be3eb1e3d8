import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { RATE_LIMITS_OFF } from '../../src/config/rate-limit-config.ts';
import { createLogger } from '../../src/http/logger.ts';
import { type RunningServer, type StartOptions, startServer } from '../../src/server.ts';
import { TEST_BOOTSTRAP_CLIENT, TEST_ISSUER_URL, TEST_SECRET_KEY } from './constants.ts';
import { errorCodeProblem } from './error-codes.ts';
import { OpenApiValidator } from './openapi-validator.ts';

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  body: any;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as is: bytes for a body that is not valid UTF-8. */
  rawBody?: string | Uint8Array;
}

/** The OpenAPI document derived from the contract, which every response of {@link TestServer.call} must match. */
let openApi: OpenApiValidator | undefined;

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** A real Realmkit server on port 0, on the run's shared database, driven over HTTP. */
export class TestServer {
  readonly running: RunningServer;

  constructor(running: RunningServer) {
    this.running = running;
  }

  get url(): string {
    return this.running.url;
  }

  get services() {
    return this.running.services;
  }

  /**
   * Sends a request and returns the response, after checking it against the OpenAPI document: a
   * status the operation does not declare, or a body its schema refuses, fails the test. Paths the
   * document does not describe (unknown routes, pages) are not checked against it, but their error
   * codes are, like every other: a code outside the contract's tables fails the test too.
   */
  async call(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | Uint8Array | undefined = options.rawBody;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    }
    if (options.form) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const response = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await response.text();
    const contentType = response.headers.get('content-type');
    let parsed: unknown = text;
    if (contentType?.includes('json') && text) parsed = JSON.parse(text);
    // Keeps the document honest: an undeclared status or a body its schema refuses fails the test.
    openApi ??= new OpenApiValidator();
    const problem = openApi.problemOf(method, path, { status: response.status, contentType, text, body: parsed });
    if (problem) throw new Error(`OpenAPI document and server disagree: ${problem}`);
    // And every error code, on every path (unknown routes included), is one the contract lists.
    const codeProblem = errorCodeProblem(response.status, parsed);
    if (codeProblem) throw new Error(`${method} ${path}: ${codeProblem}`);
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /** A token from `realm`'s token endpoint (client_secret_post); fails the test if refused. */
  async token(realm: string, client: ClientCredentials, scope?: string): Promise<string> {
    const response = await this.call('POST', `/oauth2/${realm}/token`, {
      form: {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        ...(scope === undefined ? {} : { scope }),
      },
    });
    if (response.status !== 200) throw new Error(`token request failed: ${JSON.stringify(response.body)}`);
    return response.body.access_token;
  }

  /** A master-realm token of the bootstrap client (every scope, or only `scope`). */
  masterToken(scope?: string): Promise<string> {
    return this.token('master', TEST_BOOTSTRAP_CLIENT, scope);
  }

  /** A new realm with a unique name, so that test files never share data. */
  async createRealm(token: string, prefix = 't'): Promise<TestRealm> {
    const name = `${prefix}-${randomBytes(5).toString('hex')}`;
    const response = await this.call('POST', '/api/v1/realms', { token, json: { name } });
    if (response.status !== 201) throw new Error(`realm creation failed: ${JSON.stringify(response.body)}`);
    return response.body.data;
  }

  /** Sends a request that must answer `status`; returns the body's `data` (fails the test otherwise). */
  async expectCall(status: number, method: string, path: string, options: CallOptions = {}) {
    const response = await this.call(method, path, options);
    if (response.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body?.data;
  }

  /**
   * An m2m application of `realm` (id or name) holding a role with `scopes` of `resourceId`
   * (default: the realm's Management API), made through the Management API with a master token.
   */
  async createRealmClient(
    realm: string,
    scopes: readonly string[],
    resourceId?: string,
  ): Promise<ClientCredentials & { applicationId: string; roleId: string }> {
    const token = await this.masterToken();
    const api = `/api/v1/${realm}`;
    const resource =
      resourceId ??
      (await this.expectCall(200, 'GET', `${api}/resources?search=Management%20API`, { token })).find(
        (r: { is_management_api: boolean }) => r.is_management_api,
      ).id;
    const allScopes = await this.expectCall(200, 'GET', `${api}/resources/${resource}/scopes?per_page=100`, { token });
    const scopeIds = allScopes
      .filter((s: { name: string }) => scopes.includes(s.name))
      .map((s: { id: string }) => s.id);
    if (scopeIds.length !== scopes.length) throw new Error(`unknown scopes among ${scopes.join(' ')}`);
    const suffix = randomBytes(4).toString('hex');
    const role = await this.expectCall(201, 'POST', `${api}/roles`, { token, json: { name: `role-${suffix}` } });
    if (scopeIds.length > 0) {
      await this.expectCall(204, 'POST', `${api}/roles/${role.id}/scopes`, { token, json: { scope_ids: scopeIds } });
    }
    const app = await this.expectCall(201, 'POST', `${api}/applications`, {
      token,
      json: { name: `client-${suffix}`, type: 'm2m' },
    });
    await this.expectCall(204, 'POST', `${api}/applications/${app.id}/roles`, { token, json: { role_ids: [role.id] } });
    return { clientId: app.client_id, clientSecret: app.client_secret, applicationId: app.id, roleId: role.id };
  }

  close(): Promise<void> {
    return this.running.close();
  }
}

/** A realm made by a test: its id and its (unique) name. */
export interface TestRealm {
  id: string;
  name: string;
}

/**
 * What most test files start with: their own server, a master token, and two fresh realms named
 * after `prefix` (the second for isolation checks).
 */
export async function startWithRealms(prefix: string, options: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer(options);
  const admin = await server.masterToken();
  const realm = await server.createRealm(admin, prefix);
  const otherRealm = await server.createRealm(admin, `${prefix}-other`);
  return { server, admin, realm, otherRealm };
}

/**
 * A test server. Its in-process notifier is off unless `config.notifier` says `on`: test files
 * share one database, so a notifier must be limited to its own realm (`start.notifier.realmId`).
 */
export async function startTestServer(
  options: { config?: Partial<Config>; start?: StartOptions; logger?: Logger } = {},
): Promise<TestServer> {
  const running = await startServer(
    {
      ...loadConfig({}),
      port: 0,
      databaseUrl: inject('databaseUrl'),
      issuerUrl: TEST_ISSUER_URL,
      secretKey: TEST_SECRET_KEY,
      migrate: false,
      bootstrapClientId: TEST_BOOTSTRAP_CLIENT.clientId,
      bootstrapClientSecret: TEST_BOOTSTRAP_CLIENT.clientSecret,
      bootstrapAdmin: undefined,
      notifier: 'off',
      // Suites send bursts (concurrency tests); rate-limits.test.ts turns limits on where it tests them.
      rateLimits: RATE_LIMITS_OFF,
      // Test files share one database, and some move their clock by days: a pruner would delete
      // other files' rows. sessions.test.ts runs one, limited to its realm.
      pruneIntervalSeconds: 0,
      // So are the login's guessing delays: sign-in-guessing.test.ts turns them on.
      loginGuessing: undefined,
      ...options.config,
    },
    options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    // Test servers share one database under different URLs (global-setup.ts keeps it).
    { followIssuerUrl: false, ...options.start },
  );
  return new TestServer(running);
}
