import { randomBytes } from 'node:crypto';
import type { Gen } from './random.ts';
import type { FixtureKind, Targets } from './requests.ts';

interface Realm {
  id: string;
  name: string;
}

/** A well-formed Management API call of the fuzzer's own setup; anything but `expected` is a setup failure. */
async function api<T = { id: string }>(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  expected: number,
  json?: unknown,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Error(
      `fuzz setup: ${method} ${path} answered ${response.status}, expected ${expected}: ${text.slice(0, 300)}`,
    );
  }
  return (text ? JSON.parse(text).data : undefined) as T;
}

/**
 * The fuzzer's realms and the records it names in paths: a main realm holding a user, an
 * application, a role, an API resource with a scope, and a client whose token holds only
 * `users:read`; plus a scratch realm for `/api/v1/realms/{realm}`. The fuzzer never addresses the
 * master realm. A fixture that a fuzzed DELETE removed is made again at the next {@link refresh}.
 */
export class Fixtures implements Targets {
  readonly namePrefix: string;
  realm!: Realm;
  scratchRealm!: Realm;
  limitedToken = '';
  private readonly ids = new Map<FixtureKind, string>();
  private readonly dead = new Set<FixtureKind>();
  private readonly createdRealms = new Set<string>();
  private client = { clientId: '', clientSecret: '' };
  private managementIndicator = '';
  private managementScopeIds: string[] = [];
  private resourceIndicator = '';
  private scopeName = '';
  private serial = 0;
  private readonly baseUrl: string;
  readonly adminToken: string;

  constructor(baseUrl: string, adminToken: string) {
    this.baseUrl = baseUrl;
    this.adminToken = adminToken;
    this.namePrefix = `fz${randomBytes(4).toString('hex')}`;
  }

  private unique(): string {
    this.serial += 1;
    return `${this.namePrefix}-${this.serial}`;
  }

  private call<T = { id: string }>(method: string, path: string, expected: number, json?: unknown): Promise<T> {
    return api<T>(this.baseUrl, this.adminToken, method, path, expected, json);
  }

  private get api(): string {
    return `/api/v1/${this.realm.id}`;
  }

  async setUp(): Promise<void> {
    this.realm = await this.createRealm('main');
    this.scratchRealm = await this.createRealm('scratch');
    const resources = await this.call<{ id: string; indicator: string; is_management_api: boolean }[]>(
      'GET',
      `${this.api}/resources?per_page=100`,
      200,
    );
    const management = resources.find((resource) => resource.is_management_api);
    if (!management) throw new Error('fuzz setup: no Management API resource');
    this.managementIndicator = management.indicator;
    const scopes = await this.call<{ id: string; name: string }[]>(
      'GET',
      `${this.api}/resources/${management.id}/scopes?per_page=100`,
      200,
    );
    this.managementScopeIds = scopes.map((scope) => scope.id);
    const usersRead = scopes.find((scope) => scope.name === 'users:read');
    if (!usersRead) throw new Error('fuzz setup: no users:read scope');

    // The token client: m2m, with a role holding users:read only. Never named in a fuzzed path.
    const role = await this.call('POST', `${this.api}/roles`, 201, { name: this.unique() });
    await this.call('POST', `${this.api}/roles/${role.id}/scopes`, 204, { scope_ids: [usersRead.id] });
    const app = await this.call<{ id: string; client_id: string; client_secret: string }>(
      'POST',
      `${this.api}/applications`,
      201,
      { name: this.unique(), type: 'm2m' },
    );
    await this.call('POST', `${this.api}/applications/${app.id}/roles`, 204, { role_ids: [role.id] });
    this.client = { clientId: app.client_id, clientSecret: app.client_secret };
    this.limitedToken = await this.token();

    for (const kind of ['user', 'application', 'role', 'resource'] as const) this.dead.add(kind);
    await this.refresh();
  }

  private async token(): Promise<string> {
    const response = await fetch(`${this.baseUrl}/oauth2/${this.realm.name}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...this.credentials() }).toString(),
    });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`fuzz setup: no token for the limited client: ${JSON.stringify(body)}`);
    return body.access_token;
  }

  private credentials() {
    return { client_id: this.client.clientId, client_secret: this.client.clientSecret };
  }

  private async createRealm(kind: string): Promise<Realm> {
    const realm = await this.call<Realm>('POST', '/api/v1/realms', 201, { name: this.unique(), display_name: kind });
    this.createdRealms.add(realm.id);
    return realm;
  }

  fixture(kind: FixtureKind): string {
    if (kind === 'scratchRealm') return this.scratchRealm.id;
    const id = this.ids.get(kind);
    if (!id) throw new Error(`no ${kind} fixture`);
    return id;
  }

  known(field: string, gen: Gen): string | undefined {
    switch (field) {
      case 'realm':
      case 'realmName':
        return this.realm.name;
      case 'role_ids':
        return this.fixture('role');
      case 'scope_ids':
        return gen.chance(0.5) ? this.fixture('scope') : gen.pick(this.managementScopeIds);
      case 'grant_type':
        return 'client_credentials';
      case 'client_id':
        return this.client.clientId;
      case 'client_secret':
        return this.client.clientSecret;
      case 'scope':
        return gen.pick(['users:read', 'users:read users:write', this.scopeName, 'users:read  users:read']);
      case 'resource':
        return gen.pick([this.managementIndicator, this.resourceIndicator]);
      // Introspection: the fuzz realm's own token (active), the master's (another realm: inactive), or junk.
      case 'token':
        return gen.pick([this.limitedToken, this.limitedToken, this.adminToken, 'not-a-token']);
      case 'token_type_hint':
        return gen.pick(['access_token', 'refresh_token', 'unknown_hint']);
      // Audit log filters that match entries the run writes.
      case 'action':
        return gen.pick(['user.created', 'user.deleted', 'role.scopes_assigned', 'realm.keys_rotated', 'nope.nope']);
      case 'actor':
        return gen.pick([this.client.clientId, 'someone-else']);
      case 'target_type':
        return gen.pick(['user', 'application', 'role', 'resource', 'realm']);
      case 'target_id':
        return this.fixture(gen.pick(['user', 'application', 'role'] as const));
      // The users list's keyset cursor: an existing user half the time, else any uuid.
      case 'after':
        return gen.chance(0.5) ? this.fixture('user') : undefined;
      default:
        return undefined;
    }
  }

  /** A 204 to a DELETE of this fixture: make it again at the next refresh. */
  markDeleted(kind: FixtureKind): void {
    this.dead.add(kind);
    if (kind === 'resource') this.dead.add('scope');
  }

  /** A realm that a fuzzed `POST /api/v1/realms` created, deleted by {@link tearDown}. */
  realmCreated(id: string): void {
    this.createdRealms.add(id);
  }

  /** Makes again every fixture a fuzzed DELETE removed. */
  async refresh(): Promise<void> {
    const dead = new Set(this.dead);
    this.dead.clear();
    if (dead.has('scratchRealm')) {
      this.scratchRealm = await this.createRealm('scratch');
    }
    if (dead.has('user')) {
      const user = await this.call('POST', `${this.api}/users`, 201, {
        email: `${this.unique()}@fuzz.example.com`,
        username: this.unique(),
        password: `Fz-${randomBytes(6).toString('hex')}-Pw1!`,
      });
      this.ids.set('user', user.id);
    }
    if (dead.has('application')) {
      const app = await this.call('POST', `${this.api}/applications`, 201, { name: this.unique(), type: 'm2m' });
      this.ids.set('application', app.id);
    }
    if (dead.has('role')) {
      const role = await this.call('POST', `${this.api}/roles`, 201, { name: this.unique() });
      this.ids.set('role', role.id);
    }
    if (dead.has('resource') || dead.has('scope')) {
      // A new resource for a new scope: requests in flight may delete the old one meanwhile.
      const indicator = `https://${this.unique()}.fuzz.example`;
      const resource = await this.call('POST', `${this.api}/resources`, 201, { name: this.unique(), indicator });
      const scopeName = `read:${this.unique()}`;
      const scope = await this.call('POST', `${this.api}/resources/${resource.id}/scopes`, 201, { name: scopeName });
      this.resourceIndicator = indicator;
      this.scopeName = scopeName;
      this.ids.set('resource', resource.id);
      this.ids.set('scope', scope.id);
    }
  }

  /** Deletes every realm the run made (by id, then any left with the run's prefix). */
  async tearDown(): Promise<void> {
    const leftovers = await this.call<Realm[]>('GET', `/api/v1/realms?per_page=100&search=${this.namePrefix}`, 200);
    for (const realm of leftovers) if (realm.name.startsWith(this.namePrefix)) this.createdRealms.add(realm.id);
    for (const id of this.createdRealms) {
      const response = await fetch(`${this.baseUrl}/api/v1/realms/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${this.adminToken}` },
      });
      if (response.status !== 204 && response.status !== 404) {
        throw new Error(`fuzz teardown: DELETE realm ${id} answered ${response.status}`);
      }
    }
  }
}
