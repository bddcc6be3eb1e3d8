import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPglite, onOneConnection, runStatement } from '../src/db/statement.ts';
import { PRUNE_LOCK_KEY, Pruner } from '../src/retention/pruner.ts';
import {
  CookieJar,
  exchangeSpaCode,
  pkce,
  type SignInRealm,
  signInForTokens,
  signInRealm,
  startSignInServer,
  submitLogin,
} from './support/sign-in.ts';
import type { TestServer } from './support/test-server.ts';

/**
 * A user's sessions as an administrator sees and ends them (`/users/{id}/sessions`), the sessions
 * and refresh tokens that suspending, deleting and a new password end, and the pruning of expired
 * rows. Sign-ins go through the real login page, tokens through the real token endpoint.
 */
let server: TestServer;
let setup: SignInRealm;

beforeAll(async () => {
  server = await startSignInServer();
  setup = await signInRealm(server, 'sessions');
});
afterAll(() => server?.close());

/** A browser with its own User-Agent. */
class Browser extends CookieJar {
  readonly userAgent: string;

  constructor(userAgent: string) {
    super();
    this.userAgent = userAgent;
  }

  override fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('user-agent', this.userAgent);
    return super.fetch(url, { ...init, headers });
  }
}

function authorizeUrl(
  challenge: string,
  client = { clientId: setup.spa.clientId, redirectUri: setup.spa.redirectUri },
) {
  const query = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope: 'openid offline_access',
    state: 'xyz',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${server.url}/oauth2/${setup.realm.name}/authorize?${query}`;
}

type Tokens = { access_token: string; refresh_token: string };

/** Signs `user` in to the spa in `browser` (the login form); returns the tokens of the code. */
function signIn(browser: CookieJar, user: { identifier: string; password: string }): Promise<Tokens> {
  return signInForTokens(server, setup, browser, user, (challenge) => authorizeUrl(challenge));
}

function refresh(tokens: Tokens) {
  return server.call('POST', `/oauth2/${setup.realm.name}/token`, {
    form: { grant_type: 'refresh_token', client_id: setup.spa.clientId, refresh_token: tokens.refresh_token },
  });
}

/** The refresh token still works: answers the rotated tokens (the old one is used up). */
async function refreshes(tokens: Tokens): Promise<Tokens> {
  const response = await refresh(tokens);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

async function refused(tokens: Tokens) {
  const response = await refresh(tokens);
  expect(response.status).toBe(400);
  expect(response.body.error).toBe('invalid_grant');
}

const users = () => `/api/v1/${setup.realm.name}/users`;

/** A new user of the realm with a password. */
async function newUser() {
  const password = `a good password ${randomBytes(3).toString('hex')}`;
  const email = `u-${randomBytes(4).toString('hex')}@example.com`;
  const user = await server.expectCall(201, 'POST', users(), { token: setup.admin, json: { email, password } });
  return { id: user.id as string, credentials: { identifier: email, password } };
}

function listSessions(userId: string, token = setup.admin, query = '') {
  return server.call('GET', `${users()}/${userId}/sessions${query}`, { token });
}

describe('GET /users/{id}/sessions', () => {
  it('lists the live sessions, newest first, with where they came from and the applications they signed in to', async () => {
    const user = await newUser();
    const laptop = new Browser('Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0');
    const phone = new Browser(`Mozilla/5.0 (iPhone) ${'x'.repeat(600)}`);
    await signIn(laptop, user.credentials);
    await signIn(phone, user.credentials);
    // The phone's session signs the web application in too, without the form (single sign-on).
    const web = await phone.fetch(authorizeUrl(pkce().challenge, setup.web));
    expect(web.status).toBe(303);
    expect(web.headers.get('location')).toContain('code=');

    const response = await listSessions(user.id);
    expect(response.status).toBe(200);
    expect(response.body.meta).toEqual({ current_page: 1, per_page: 20, total: 2 });
    const [newest, oldest] = response.body.data;
    expect(newest.user_agent).toBe(phone.userAgent.slice(0, 512));
    expect(oldest.user_agent).toBe(laptop.userAgent);
    expect(newest.ip).toMatch(/127\.0\.0\.1|::1/);
    expect(newest.applications).toEqual([
      { id: setup.spa.applicationId, client_id: setup.spa.clientId, name: 'Notes (SPA)' },
      { id: expect.any(String), client_id: setup.web.clientId, name: 'Notes (web)' },
    ]);
    expect(oldest.applications.map((app: { client_id: string }) => app.client_id)).toEqual([setup.spa.clientId]);
    expect(Date.parse(newest.created_at)).toBeGreaterThanOrEqual(Date.parse(oldest.created_at));
    expect(Date.parse(newest.expires_at)).toBeGreaterThan(Date.parse(newest.last_seen_at));
    expect(JSON.stringify(response.body)).not.toMatch(/secret/);

    const second = await listSessions(user.id, setup.admin, '?per_page=1&page=2');
    expect(second.body.data.map((s: { id: string }) => s.id)).toEqual([oldest.id]);
    expect(second.body.meta.total).toBe(2);
    const past = await listSessions(user.id, setup.admin, '?per_page=1&page=5');
    expect(past.body).toEqual({ data: [], meta: { current_page: 5, per_page: 1, total: 2 } });
  });

  it('answers an empty list for a user who never signed in, and 404 for an unknown user', async () => {
    const user = await newUser();
    expect((await listSessions(user.id)).body).toEqual({ data: [], meta: { current_page: 1, per_page: 20, total: 0 } });
    const unknown = await listSessions(randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('not_found');
  });
});

describe('DELETE /users/{id}/sessions/{sessionId}', () => {
  it("ends one session: its refresh tokens stop working, the other session's still refresh", async () => {
    const user = await newUser();
    const first = await signIn(new Browser('first'), user.credentials);
    const second = await signIn(new Browser('second'), user.credentials);
    const sessions = (await listSessions(user.id)).body.data;
    const firstSession = sessions.find((s: { user_agent: string }) => s.user_agent === 'first');

    const ended = await server.call('DELETE', `${users()}/${user.id}/sessions/${firstSession.id}`, {
      token: setup.admin,
    });
    expect(ended.status).toBe(204);
    await refused(first);
    await refreshes(second);
    expect((await listSessions(user.id)).body.data.map((s: { user_agent: string }) => s.user_agent)).toEqual([
      'second',
    ]);

    const again = await server.call('DELETE', `${users()}/${user.id}/sessions/${firstSession.id}`, {
      token: setup.admin,
    });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: 'not_found', message: 'Session not found' });
  });

  it("answers 404 for another user's session, an unknown one, and another realm's", async () => {
    const owner = await newUser();
    const other = await newUser();
    await signIn(new Browser('owner'), owner.credentials);
    const [session] = (await listSessions(owner.id)).body.data;
    const cases = [`${users()}/${other.id}/sessions/${session.id}`, `${users()}/${owner.id}/sessions/${randomUUID()}`];
    const elsewhere = await server.createRealm(setup.admin, 'sessions-other');
    const stranger = await server.expectCall(201, 'POST', `/api/v1/${elsewhere.name}/users`, {
      token: setup.admin,
      json: { email: 'stranger@example.com' },
    });
    cases.push(
      `/api/v1/${elsewhere.name}/users/${owner.id}/sessions/${session.id}`,
      `/api/v1/${elsewhere.name}/users/${stranger.id}/sessions/${session.id}`,
    );
    for (const path of cases) {
      const response = await server.call('DELETE', path, { token: setup.admin });
      expect({ path, status: response.status, error: response.body?.error }).toEqual({
        path,
        status: 404,
        error: 'not_found',
      });
    }
    // Realm B's token lists nothing of realm A's user either.
    expect((await listSessions(owner.id, setup.admin)).body.data).toHaveLength(1);
    expect(
      (await server.call('GET', `/api/v1/${elsewhere.name}/users/${owner.id}/sessions`, { token: setup.admin })).status,
    ).toBe(404);
  });

  it('needs users:read to list and users:write to end', async () => {
    const user = await newUser();
    await signIn(new Browser('scoped'), user.credentials);
    const [session] = (await listSessions(user.id)).body.data;
    const reader = await server.token(
      setup.realm.name,
      await server.createRealmClient(setup.realm.name, ['users:read']),
    );
    const writer = await server.token(
      setup.realm.name,
      await server.createRealmClient(setup.realm.name, ['users:write']),
    );

    expect((await listSessions(user.id, reader)).status).toBe(200);
    expect((await listSessions(user.id, writer)).status).toBe(403);
    for (const path of [`${users()}/${user.id}/sessions/${session.id}`, `${users()}/${user.id}/sessions`]) {
      const forbidden = await server.call('DELETE', path, { token: reader });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error).toBe('insufficient_scope');
    }
    expect(
      (await server.call('DELETE', `${users()}/${user.id}/sessions/${session.id}`, { token: writer })).status,
    ).toBe(204);
  });
});

describe('DELETE /users/{id}/sessions', () => {
  it("ends every session and revokes every refresh token of the user, and no one else's", async () => {
    const user = await newUser();
    const bystander = await newUser();
    const a = await signIn(new Browser('a'), user.credentials);
    const b = await signIn(new Browser('b'), user.credentials);
    const theirs = await signIn(new Browser('c'), bystander.credentials);

    expect((await server.call('DELETE', `${users()}/${user.id}/sessions`, { token: setup.admin })).status).toBe(204);
    await refused(a);
    await refused(b);
    expect((await listSessions(user.id)).body.meta.total).toBe(0);
    await refreshes(theirs);
    expect((await listSessions(bystander.id)).body.meta.total).toBe(1);
    // Idempotent; 404 for an unknown user.
    expect((await server.call('DELETE', `${users()}/${user.id}/sessions`, { token: setup.admin })).status).toBe(204);
    expect((await server.call('DELETE', `${users()}/${randomUUID()}/sessions`, { token: setup.admin })).status).toBe(
      404,
    );
  });

  it('leaves no code to exchange: a code issued in an ended session answers invalid_grant', async () => {
    const user = await newUser();
    for (const end of ['one', 'all'] as const) {
      const browser = new Browser(`pending-${end}`);
      const { verifier, challenge } = pkce();
      const answer = await submitLogin(browser, server.url, authorizeUrl(challenge), user.credentials);
      const code = new URL(answer.headers.get('location') as string).searchParams.get('code') as string;
      const [session] = (await listSessions(user.id)).body.data;
      const path = end === 'one' ? `${users()}/${user.id}/sessions/${session.id}` : `${users()}/${user.id}/sessions`;
      await server.expectCall(204, 'DELETE', path, { token: setup.admin });
      const exchange = await exchangeSpaCode(server, setup, code, verifier);
      expect(exchange.body.error, end).toBe('invalid_grant');
    }
  });

  it('asks for the password once the session has ended, and answers a page, not a 500, when it ends while a code is issued in it', async () => {
    const orm = server.services.orm;
    const user = await newUser();
    const ended = new Browser('ended');
    await signIn(ended, user.credentials);
    await server.expectCall(204, 'DELETE', `${users()}/${user.id}/sessions`, { token: setup.admin });
    const again = await ended.fetch(authorizeUrl(pkce().challenge));
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('name="password"');

    const [version] = await runStatement<{ version: string }>(orm, 'select version() as version', []);
    // The race needs two connections; PGlite runs one statement at a time, so it cannot happen there.
    if (isPglite(version?.version ?? '')) return;
    const browser = new Browser('racing');
    await signIn(browser, user.credentials);
    const [session] = (await listSessions(user.id)).body.data;
    const answer = await onOneConnection(orm, async (run) => {
      // Another request ends the session; until it commits, the single sign-on below still reads it,
      // and its application row waits on the deleted row's lock.
      await run('begin', []);
      await run('delete from sessions where id = ?', [session.id]);
      let settled = false;
      const signingIn = browser.fetch(authorizeUrl(pkce().challenge)).finally(() => {
        settled = true;
      });
      // Until the request waits on the lock (or, failing the test below, answers without waiting).
      for (let waiting = 0; waiting === 0 && !settled; ) {
        const [row] = await runStatement<{ count: number }>(
          orm,
          `select count(*)::int as count from pg_stat_activity
            where wait_event_type = 'Lock' and query like '%session_applications%'`,
          [],
        );
        waiting = row?.count ?? 0;
      }
      await run('commit', []);
      return signingIn;
    });
    expect(answer.status).toBe(409);
    expect(await answer.text()).toContain('Sign in again');
  });

  it('is in the audit log as user.sessions_ended, one session as user.session_ended', async () => {
    const user = await newUser();
    await signIn(new Browser('audited'), user.credentials);
    const [session] = (await listSessions(user.id)).body.data;
    await server.expectCall(204, 'DELETE', `${users()}/${user.id}/sessions/${session.id}`, { token: setup.admin });
    await server.expectCall(204, 'DELETE', `${users()}/${user.id}/sessions`, { token: setup.admin });
    const entries = await server.expectCall(
      200,
      'GET',
      `/api/v1/${setup.realm.name}/audit-logs?target_id=${user.id}&per_page=10`,
      { token: setup.admin },
    );
    const actions = entries.map((entry: { action: string; details: object }) => [entry.action, entry.details]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['user.sessions_ended', expect.anything()],
        ['user.session_ended', expect.objectContaining({ session_id: session.id })],
      ]),
    );
  });
});

describe('what ends the sessions of a user', () => {
  it.each([
    ['suspending (is-suspended)', 'PATCH', (id: string) => `${users()}/${id}/is-suspended`, { is_suspended: true }],
    ['a new password', 'PATCH', (id: string) => `${users()}/${id}/password`, { password: 'a brand new password 9' }],
    ['suspending by realm name', 'PUT', (id: string) => `/api/users/${id}`, { enabled: false }],
    [
      'a new password by realm name',
      'PUT',
      (id: string) => `/api/users/${id}/password`,
      { newPassword: 'a brand new password 9' },
    ],
  ] as const)('%s ends every session and revokes the refresh tokens', async (_what, method, path, json) => {
    const change = (id: string) => server.call(method, path(id), { token: setup.admin, json });
    const user = await newUser();
    const tokens = await signIn(new Browser('victim'), user.credentials);
    expect((await listSessions(user.id)).body.meta.total).toBe(1);
    const response = await change(user.id);
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
    expect((await listSessions(user.id)).body.meta.total).toBe(0);
    const rows = await runStatement<{ revoked: number }>(
      server.services.orm,
      'select count(*)::int as revoked from refresh_tokens where user_id = ? and revoked_at is not null',
      [user.id],
    );
    expect(rows[0]?.revoked).toBeGreaterThan(0);
    await refused(tokens);
  });

  it('leaves them alone for an ordinary update or an unsuspension', async () => {
    const user = await newUser();
    const tokens = await signIn(new Browser('kept'), user.credentials);
    await server.expectCall(200, 'PATCH', `${users()}/${user.id}`, { token: setup.admin, json: { name: 'Kept' } });
    await server.expectCall(200, 'PATCH', `${users()}/${user.id}/is-suspended`, {
      token: setup.admin,
      json: { is_suspended: false },
    });
    expect((await listSessions(user.id)).body.meta.total).toBe(1);
    await refreshes(tokens);
  });

  it('deleting the user deletes its sessions and refresh tokens', async () => {
    const user = await newUser();
    const tokens = await signIn(new Browser('gone'), user.credentials);
    await server.expectCall(204, 'DELETE', `${users()}/${user.id}`, { token: setup.admin });
    const rows = await runStatement<{ count: number }>(
      server.services.orm,
      `select (select count(*) from sessions where user_id = ?)::int + (select count(*) from refresh_tokens where user_id = ?)::int as count`,
      [user.id, user.id],
    );
    expect(rows[0]?.count).toBe(0);
    await refused(tokens);
  });
});

describe('pruning', () => {
  const HOUR = 3600_000;

  /** One expired and one live row of each table the pruner cleans, in this realm; their ids. */
  async function seed(now: number) {
    const orm = server.services.orm;
    const { id: userId } = await newUser();
    const realmId = setup.realm.id;
    const appId = setup.spa.applicationId;
    const past = new Date(now - HOUR);
    const future = new Date(now + HOUR);
    const ids = { expired: [] as string[], live: [] as string[] };
    const session = async (expiresAt: Date, lastActiveAt: Date) => {
      const id = randomUUID();
      await runStatement(
        orm,
        `insert into sessions (id, realm_id, user_id, secret_hash, auth_time, last_active_at, expires_at)
         values (?, ?, ?, ?, ?, ?, ?)`,
        [id, realmId, userId, randomUUID(), lastActiveAt, lastActiveAt, expiresAt],
      );
      await runStatement(orm, 'insert into session_applications (session_id, application_id) values (?, ?)', [
        id,
        appId,
      ]);
      return id;
    };
    ids.expired.push(await session(past, new Date(now - 2 * HOUR)));
    ids.expired.push(await session(future, new Date(now - 4 * 24 * HOUR))); // idle past 3 days
    ids.live.push(await session(future, new Date(now - HOUR)));
    for (const [expiresAt, list] of [
      [past, ids.expired],
      [future, ids.live],
    ] as const) {
      const code = randomUUID();
      await runStatement(
        orm,
        `insert into authorization_codes (id, realm_id, code_hash, application_id, user_id, session_id, redirect_uri,
           code_challenge, scope, auth_time, expires_at) values (?, ?, ?, ?, ?, ?, 'https://x', 'c', 'openid', ?, ?)`,
        [code, realmId, randomUUID(), appId, userId, randomUUID(), past, expiresAt],
      );
      const token = randomUUID();
      await runStatement(
        orm,
        `insert into refresh_tokens (id, realm_id, family_id, token_hash, application_id, user_id, scope, auth_time, expires_at)
         values (?, ?, ?, ?, ?, ?, 'openid', ?, ?)`,
        [token, realmId, randomUUID(), randomUUID(), appId, userId, past, expiresAt],
      );
      const jti = randomUUID();
      await runStatement(orm, 'insert into revoked_access_tokens (jti, realm_id, expires_at) values (?, ?, ?)', [
        jti,
        realmId,
        expiresAt,
      ]);
      const verification = randomUUID();
      await runStatement(
        orm,
        `insert into email_verifications (id, realm_id, user_id, email, expires_at) values (?, ?, ?, 'a@example.com', ?)`,
        [verification, realmId, userId, expiresAt],
      );
      const reset = randomUUID();
      await runStatement(
        orm,
        `insert into password_resets (id, realm_id, user_id, email, expires_at) values (?, ?, ?, 'a@example.com', ?)`,
        [reset, realmId, userId, expiresAt],
      );
      const assertionKey = randomUUID();
      await runStatement(orm, 'insert into client_assertion_jtis (realm_id, key_hash, expires_at) values (?, ?, ?)', [
        realmId,
        assertionKey,
        expiresAt,
      ]);
      const proofKey = randomUUID();
      await runStatement(orm, 'insert into dpop_proof_jtis (realm_id, key_hash, expires_at) values (?, ?, ?)', [
        realmId,
        proofKey,
        expiresAt,
      ]);
      list.push(code, token, jti, verification, reset, assertionKey, proofKey);
    }
    return ids;
  }

  async function remaining(ids: string[]): Promise<string[]> {
    const rows = await runStatement<{ id: string }>(
      server.services.orm,
      `select id from sessions where id = any(?::uuid[]) union all select id from authorization_codes where id = any(?::uuid[])
       union all select id from refresh_tokens where id = any(?::uuid[]) union all select jti from revoked_access_tokens where jti = any(?::uuid[])
       union all select id from email_verifications where id = any(?::uuid[])
       union all select id from password_resets where id = any(?::uuid[])
       union all select key_hash::uuid from client_assertion_jtis where key_hash = any(?::text[])
       union all select key_hash::uuid from dpop_proof_jtis where key_hash = any(?::text[])`,
      Array.from({ length: 8 }, () => `{${ids.join(',')}}`),
    );
    return rows.map((row) => row.id).sort();
  }

  it('deletes expired and idle rows in batches and keeps live ones', async () => {
    const now = Date.now();
    const ids = await seed(now);
    const pruner = new Pruner(server.services.orm, () => now, { realmId: setup.realm.id, batchSize: 1 });
    const result = await pruner.prune();
    expect(result.ran).toBe(true);
    expect(result.deleted).toMatchObject({
      sessions: 2,
      authorization_codes: 1,
      refresh_tokens: 1,
      revoked_access_tokens: 1,
      email_verifications: 1,
      password_resets: 1,
      client_assertion_jtis: 1,
      dpop_proof_jtis: 1,
    });
    expect(await remaining(ids.expired)).toEqual([]);
    expect(await remaining(ids.live)).toEqual([...ids.live].sort());
    const orphans = await runStatement<{ count: number }>(
      server.services.orm,
      'select count(*)::int as count from session_applications where session_id = any(?::uuid[])',
      [`{${ids.expired.join(',')}}`],
    );
    expect(orphans[0]?.count).toBe(0);
    expect((await pruner.prune()).deleted).toMatchObject({ sessions: 0, refresh_tokens: 0 });
  });

  it('runs on one instance at a time: skips while another holds the advisory lock', async () => {
    const orm = server.services.orm;
    const now = Date.now();
    const ids = await seed(now);
    const pruner = () => new Pruner(orm, () => now, { realmId: setup.realm.id });
    const [version] = await runStatement<{ version: string }>(orm, 'select version() as version', []);
    if (!isPglite(version?.version ?? '')) {
      // Another instance's connection (a session of its own) holds the lock: this one skips.
      await onOneConnection(orm, async (run) => {
        await run('select pg_advisory_lock(?)', [PRUNE_LOCK_KEY]);
        try {
          expect(await pruner().prune()).toEqual({ ran: false, deleted: {} });
        } finally {
          await run('select pg_advisory_unlock(?)', [PRUNE_LOCK_KEY]);
        }
      });
      expect(await remaining(ids.expired)).toHaveLength(ids.expired.length);
    }
    // Two at once: each row is deleted once, whoever ran (PGlite's one session lets both take the lock).
    const results = await Promise.all([pruner().prune(), pruner().prune()]);
    expect(results.some((result) => result.ran)).toBe(true);
    const sessions = results.reduce((sum, result) => sum + (result.deleted.sessions ?? 0), 0);
    expect(sessions).toBe(2);
    expect(await remaining(ids.expired)).toEqual([]);
    // The same instance never runs twice at once.
    const one = pruner();
    const [first, second] = await Promise.all([one.prune(), one.prune()]);
    expect([first.ran, second.ran]).toEqual([true, false]);
  });
});
