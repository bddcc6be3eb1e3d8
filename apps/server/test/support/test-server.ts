import { randomBytes } from 'node:crypto';
import { RequestContext } from '@mikro-orm/core';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/http/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { TEST_BOOTSTRAP_CLIENT, TEST_ISSUER_URL, TEST_SECRET_KEY } from './constants.ts';

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
  rawBody?: string;
}

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

  async call(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.rawBody;
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
    let parsed: unknown = text;
    if (response.headers.get('content-type')?.includes('json') && text) parsed = JSON.parse(text);
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
  async createRealm(token: string, prefix = 't'): Promise<{ id: string; name: string }> {
    const name = `${prefix}-${randomBytes(5).toString('hex')}`;
    const response = await this.call('POST', '/api/v1/realms', { token, json: { name } });
    if (response.status !== 201) throw new Error(`realm creation failed: ${JSON.stringify(response.body)}`);
    return response.body.data;
  }

  /**
   * An m2m client of `realmId` holding `scopes` of the realm's Management API, made through
   * the services (the applications and roles routes land with their own issue).
   */
  async createRealmClient(realmId: string, scopes: readonly string[]): Promise<ClientCredentials> {
    const { applications, resources, roles, orm } = this.services;
    return RequestContext.create(orm.em, async () => {
      const management = await resources.findTarget(realmId, undefined);
      if (!management) throw new Error('realm has no Management API resource');
      const scopeRows: { id: string; name: string }[] = await orm.em.execute(
        'select id, name from resource_scopes where resource_id = ?',
        [management.id],
      );
      const scopeIds = scopeRows.filter((row) => scopes.includes(row.name)).map((row) => row.id);
      return orm.em.fork().transactional(async (em) => {
        const role = roles.addRole(em, realmId, {
          name: `role-${randomBytes(4).toString('hex')}`,
          description: 'test',
          scopeIds,
        });
        const { application, clientSecret } = applications.addMachineToMachine(em, realmId, { name: 'test client' });
        roles.assignToApplication(em, realmId, application.id, role.id);
        await em.flush();
        return { clientId: application.clientId, clientSecret };
      });
    });
  }

  close(): Promise<void> {
    return this.running.close();
  }
}

export async function startTestServer(): Promise<TestServer> {
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
    },
    createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
  );
  return new TestServer(running);
}
