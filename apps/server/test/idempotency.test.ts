import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { IDEMPOTENCY_KEY_LEASE_SECONDS } from '@realmkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKept } from '../src/idempotency/idempotency.middleware.ts';
import { PRUNE_RULES, Pruner } from '../src/retention/pruner.ts';
import {
  type ApiResponse,
  startTestServer,
  startWithRealms,
  type TestRealm,
  type TestServer,
} from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm } = await startWithRealms('idem'));
});
afterAll(() => server?.close());

const api = () => `/api/v1/${realm.name}`;

function post(path: string, key: string | undefined, json: unknown, token = admin): Promise<ApiResponse> {
  return server.call('POST', path, { token, json, headers: key === undefined ? {} : { 'idempotency-key': key } });
}

async function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  return server.services.orm.em.fork().execute<T[]>(query, params);
}

async function countApplications(name: string): Promise<number> {
  const [row] = await sql<{ count: string }>('select count(*) from applications where realm_id = ? and name = ?', [
    realm.id,
    name,
  ]);
  return Number(row?.count);
}

/** The master realm's id and the bootstrap client's id: whose keys `admin`'s are. */
async function adminScope(): Promise<{ realmId: string; clientId: string }> {
  const [master] = await sql<{ id: string }>("select id from realms where name = 'master'");
  return { realmId: master?.id as string, clientId: 'test-bootstrap-admin' };
}

describe('Idempotency-Key: the same request again', () => {
  it('answers the first response again (status, body, ETag) with Idempotent-Replayed, and creates one thing', async () => {
    const key = randomUUID();
    const body = { name: 'replayed-app', type: 'm2m', description: 'once' };
    const first = await post(`${api()}/applications`, key, body);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    // Same key, same body in another key order and spacing: the same request.
    const again = await server.call('POST', `${api()}/applications`, {
      token: admin,
      rawBody: ' { "type": "m2m",\n "description": "once", "name": "replayed-app" } ',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(again.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(await countApplications('replayed-app')).toBe(1);

    // The secret shown once is shown again to the retry, and it is the real one...
    const token = await server.token(realm.name, {
      clientId: again.body.data.client_id,
      clientSecret: again.body.data.client_secret,
    });
    expect(token).toBeTruthy();
    // ...but it is not at rest in clear: kept responses are sealed.
    const rows = await sql<{ response_body: string; fingerprint: string }>(
      'select response_body, fingerprint from idempotency_keys where key = ?',
      [key],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.response_body).not.toContain(first.body.data.client_secret);
    expect(rows[0]?.response_body).not.toContain('replayed-app');
  });

  it('reads a quoted key (RFC 8941 sf-string, as the IETF draft writes it) as the same key', async () => {
    const key = `quoted-${randomUUID()}`;
    const first = await post(`${api()}/roles`, key, { name: key });
    const again = await post(`${api()}/roles`, `"${key}"`, { name: key });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.data.id).toBe(first.body.data.id);
  });

  it('holds across instances: a retry sent to another server on the same database is answered again', async () => {
    const other = await startTestServer();
    try {
      const key = randomUUID();
      const body = { name: `two-instances-${key}` };
      const first = await post(`${api()}/roles`, key, body);
      const again = await other.call('POST', `${api()}/roles`, {
        token: admin,
        json: body,
        headers: { 'idempotency-key': key },
      });
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
    } finally {
      await other.close();
    }
  });

  it('works on the users API by realm name', async () => {
    const key = randomUUID();
    const body = { realmName: realm.name, username: 'byname', email: 'byname@example.com', password: 'aGoodPassword1' };
    const first = await post('/api/users', key, body);
    const again = await post('/api/users', key, body);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('keeps what the operation answered, errors included (409, 422): a retry gets the same answer', async () => {
    await post(`${api()}/users`, undefined, { email: 'taken@example.com' });
    const key = randomUUID();
    const conflict = await post(`${api()}/users`, key, { email: 'taken@example.com' });
    expect(conflict.status).toBe(409);
    const users = await server.call('GET', `${api()}/users?search=taken@`, { token: admin });
    await server.call('DELETE', `${api()}/users/${users.body.data[0].id}`, { token: admin });
    // The email is free now, but this key's request was answered: the answer stays.
    const again = await post(`${api()}/users`, key, { email: 'taken@example.com' });
    expect(again.status).toBe(409);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(conflict.body);

    const weakKey = randomUUID();
    const weak = await post(`${api()}/users`, weakKey, { email: 'weak@example.com', password: 'short' });
    expect(weak.status).toBe(422);
    expect(
      (await post(`${api()}/users`, weakKey, { email: 'weak@example.com', password: 'short' })).headers.get(
        'idempotent-replayed',
      ),
    ).toBe('true');
  });

  it('keeps nothing for a request refused before it ran (400): the key stays free for the corrected request', async () => {
    const key = randomUUID();
    const invalid = await post(`${api()}/users`, key, { email: 'not-an-email' });
    expect(invalid.status).toBe(400);
    const corrected = await post(`${api()}/users`, key, { email: 'corrected@example.com' });
    expect(corrected.status).toBe(201);
    expect(corrected.headers.get('idempotent-replayed')).toBeNull();
  });

  it('keeps 2xx, 404, 409 and 422; never 400, 401, 403, 412, 413, 415, 429 or a 5xx', () => {
    for (const status of [200, 201, 202, 204, 404, 409, 422]) expect(isKept(status), String(status)).toBe(true);
    for (const status of [400, 401, 403, 408, 412, 413, 415, 429, 500, 502, 503]) {
      expect(isKept(status), String(status)).toBe(false);
    }
  });
});

describe('Idempotency-Key on the POST actions: secret and key rotations', () => {
  it('a retried secret rotation answers the same new secret and rotates once, grace period included', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const url = `${api()}/applications/${client.applicationId}`;
    const key = randomUUID();
    const body = { grace_period_seconds: 3600 };
    const first = await post(`${url}/secret`, key, body);
    expect(first.status).toBe(200);
    const again = await post(`${url}/secret`, key, body);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    // One rotation: the application is as the first answer left it, and the secret it showed is the real one.
    expect((await server.call('GET', url, { token: admin })).headers.get('etag')).toBe(first.headers.get('etag'));
    for (const secret of [first.body.data.client_secret, client.clientSecret]) {
      expect(await server.token(realm.name, { clientId: client.clientId, clientSecret: secret })).toBeTruthy();
    }
  });

  it('a 412 is not kept: the same key with the current If-Match then rotates, and is answered again after', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const url = `${api()}/applications/${client.applicationId}`;
    const key = randomUUID();
    const stale = await server.call('POST', `${url}/secret`, {
      token: admin,
      headers: { 'idempotency-key': key, 'if-match': '"an-old-tag"' },
    });
    expect(stale.status).toBe(412);
    const current = (await server.call('GET', url, { token: admin })).headers.get('etag') as string;
    const rotate = () =>
      server.call('POST', `${url}/secret`, { token: admin, headers: { 'idempotency-key': key, 'if-match': current } });
    const rotated = await rotate();
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('idempotent-replayed')).toBeNull();
    const again = await rotate();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.data.client_secret).toBe(rotated.body.data.client_secret);
  });

  it('a retried key rotation answers the same keys and makes one new key', async () => {
    const created = await server.call('POST', '/api/v1/realms', {
      token: admin,
      json: { name: `idem-keys-${randomUUID().slice(0, 8)}`, signing_algorithm: 'ES256' },
    });
    const url = `/api/v1/realms/${created.body.data.id}`;
    const key = randomUUID();
    const first = await post(`${url}/keys/rotate`, key, { algorithm: 'EdDSA' });
    expect(first.status).toBe(200);
    const again = await post(`${url}/keys/rotate`, key, { algorithm: 'EdDSA' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const kids = (keys: { kid: string }[]) => keys.map((k) => k.kid);
    expect(kids(await server.expectCall(200, 'GET', `${url}/keys`, { token: admin }))).toEqual(kids(first.body.data));
    expect(first.body.data.map((k: { alg: string }) => k.alg)).toEqual(['EdDSA', 'ES256']);
    expect((await server.call('DELETE', url, { token: admin })).status).toBe(204);
  });
});

describe('Idempotency-Key: misuse', () => {
  it('422 idempotency_key_reused for the same key with another body or another path; nothing is run', async () => {
    const key = randomUUID();
    expect((await post(`${api()}/roles`, key, { name: `role-${key}` })).status).toBe(201);
    const otherBody = await post(`${api()}/roles`, key, { name: `another-${key}` });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toEqual({
      error: 'idempotency_key_reused',
      message: 'This Idempotency-Key was used for another request: send a new key for a new request',
    });
    const otherPath = await post(`${api()}/applications`, key, { name: `role-${key}`, type: 'spa' });
    expect(otherPath.status).toBe(422);
    const roles = await server.call('GET', `${api()}/roles?search=${key}`, { token: admin });
    expect(roles.body.meta.total).toBe(1);
  });

  it('400 for a key that is empty, longer than 255 characters, not printable ASCII or a broken quoted string', async () => {
    for (const key of ['', '""', 'x'.repeat(256), 'caf\u00e9', '"un"quoted"', '"bad \\escape"']) {
      const response = await post(`${api()}/roles`, key, { name: `bad-key-${randomUUID()}` });
      expect(response.status, JSON.stringify(key)).toBe(400);
      expect(response.body.details, JSON.stringify(key)).toEqual([
        { path: 'Idempotency-Key', message: expect.stringContaining('Idempotency-Key') },
      ]);
    }
    // Keys are the client's for 24 h, and the test database may outlive a run: unique keys.
    const longest = `${randomUUID()}${'x'.repeat(255 - 36)}`;
    expect((await post(`${api()}/roles`, longest, { name: `long-key-${randomUUID()}` })).status).toBe(201);
    const odd = `with spaces and ~!@# ${randomUUID()}`;
    expect((await post(`${api()}/roles`, odd, { name: `odd-key-${randomUUID()}` })).status).toBe(201);
  });

  it('400 for two Idempotency-Key headers', async () => {
    const url = new URL(`${server.url}${api()}/roles`);
    const body = JSON.stringify({ name: `two-keys-${randomUUID()}` });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: [
            'authorization',
            `Bearer ${admin}`,
            'content-type',
            'application/json',
            'idempotency-key',
            'one',
            'idempotency-key',
            'two',
          ],
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(400);
  });

  it('keys belong to one client: another client may use the same key for its own request', async () => {
    const client = await server.createRealmClient(realm.name, ['applications:write']);
    const other = await server.token(realm.name, client);
    const key = randomUUID();
    const body = { name: 'per-client-app', type: 'spa' };
    const mine = await post(`${api()}/applications`, key, body);
    const theirs = await post(`${api()}/applications`, key, body, other);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.data.id).not.toBe(mine.body.data.id);
    expect(await countApplications('per-client-app')).toBe(2);
  });

  it('is ignored where it means nothing: GET, and the OAuth token endpoint', async () => {
    const key = randomUUID();
    const read = await server.call('GET', `${api()}/roles`, { token: admin, headers: { 'idempotency-key': key } });
    expect(read.status).toBe(200);
    const form = {
      grant_type: 'client_credentials',
      client_id: 'test-bootstrap-admin',
      client_secret: 'test-bootstrap-secret-0123456789',
    };
    const tokens = await Promise.all(
      [1, 2].map(() => server.call('POST', '/oauth2/master/token', { form, headers: { 'idempotency-key': key } })),
    );
    expect(tokens.map((t) => t.status)).toEqual([200, 200]);
    expect(tokens[0]?.body.access_token).not.toBe(tokens[1]?.body.access_token);
    expect(await sql('select 1 from idempotency_keys where key = ?', [key])).toHaveLength(0);
  });
});

describe('Idempotency-Key: in flight, expired, abandoned', () => {
  /** Puts a key in the table as another instance would have left it. */
  async function plant(key: string, fingerprint: string, state: { lockedFor: string; expiresIn?: string }) {
    const { realmId, clientId } = await adminScope();
    await sql(
      `insert into idempotency_keys (realm_id, client_id, key, fingerprint, owner, locked_until, expires_at)
       values (?, ?, ?, ?, ?, now() + ?::interval, now() + ?::interval)`,
      [realmId, clientId, key, fingerprint, randomUUID(), state.lockedFor, state.expiresIn ?? '24 hours'],
    );
  }

  const rolesPath = () => `${api()}/roles`;
  const fingerprintOf = (body: unknown) => server.services.idempotency.fingerprint('POST', rolesPath(), body);

  it('409 idempotency_key_in_progress (Retry-After: 1) while the same request runs; 422 for another body', async () => {
    const key = randomUUID();
    const body = { name: `in-flight-${key}` };
    await plant(key, fingerprintOf(body), { lockedFor: '1 minute' });
    const busy = await post(rolesPath(), key, body);
    expect(busy.status).toBe(409);
    expect(busy.body.error).toBe('idempotency_key_in_progress');
    expect(busy.headers.get('retry-after')).toBe('1');
    expect((await post(rolesPath(), key, { name: 'something else' })).status).toBe(422);
    const roles = await server.call('GET', `${rolesPath()}?search=${key}`, { token: admin });
    expect(roles.body.meta.total).toBe(0);
  });

  it('takes over a key whose holder stopped renewing its lease (its instance died), for the same request only', async () => {
    const key = randomUUID();
    const body = { name: `abandoned-${key}` };
    await plant(key, fingerprintOf(body), { lockedFor: '-1 second' });
    expect((await post(rolesPath(), key, { name: 'not the same request' })).status).toBe(422);
    const taken = await post(rolesPath(), key, body);
    expect(taken.status).toBe(201);
    expect((await post(rolesPath(), key, body)).headers.get('idempotent-replayed')).toBe('true');
  });

  it('the bound: a write whose instance died before keeping its answer holds the key (409) for the lease, then runs again', async () => {
    const key = randomUUID();
    const body = { name: `lease-${key}`, type: 'm2m' };
    const path = `${api()}/applications`;
    expect((await post(path, key, body)).status).toBe(201);
    // What an instance killed between the commit and keeping the answer leaves: the key in flight.
    await sql(
      `update idempotency_keys set response_status = null, response_headers = null, response_body = null,
         owner = ?, locked_until = now() + interval '1 minute' where key = ?`,
      [randomUUID(), key],
    );
    const held = await post(path, key, body);
    expect(held.status).toBe(409);
    expect(held.body.error).toBe('idempotency_key_in_progress');
    // The lease lapsed: the retry takes the key over and runs the create a second time.
    await sql("update idempotency_keys set locked_until = now() - interval '1 second' where key = ?", [key]);
    const again = await post(path, key, body);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(await countApplications(body.name)).toBe(2);
    expect((await post(path, key, body)).headers.get('idempotent-replayed')).toBe('true');
  });

  it('a claim holds its key for IDEMPOTENCY_KEY_LEASE_SECONDS; a request that outlived it keeps nothing over the retry that took over', async () => {
    const store = server.services.idempotency;
    const { realmId, clientId } = await adminScope();
    const scope = { realmId, clientId, key: randomUUID() };
    const fingerprints = store.fingerprints('POST', rolesPath(), { name: 'stalled' });
    const stalled = await store.claim(scope, fingerprints);
    if (stalled.kind !== 'claimed') throw new Error(`not claimed: ${stalled.kind}`);
    const [lease] = await sql<{ seconds: number }>(
      'select extract(epoch from locked_until - created_at)::int as seconds from idempotency_keys where key = ?',
      [scope.key],
    );
    expect(lease?.seconds).toBe(IDEMPOTENCY_KEY_LEASE_SECONDS);
    await sql("update idempotency_keys set locked_until = now() - interval '1 second' where key = ?", [scope.key]);
    const retry = await store.claim(scope, fingerprints);
    if (retry.kind !== 'claimed') throw new Error(`not claimed: ${retry.kind}`);
    expect(await store.complete(scope, stalled.owner, { status: 201, headers: {}, body: 'the stalled one' })).toBe(
      false,
    );
    expect(await store.complete(scope, retry.owner, { status: 201, headers: {}, body: 'the retry' })).toBe(true);
    expect(await store.claim(scope, fingerprints)).toMatchObject({ kind: 'replay', response: { body: 'the retry' } });
  });

  it('forgets a key after 24 h: it then starts a new request, and the pruner deletes expired keys', async () => {
    const key = randomUUID();
    expect((await post(rolesPath(), key, { name: `old-${key}` })).status).toBe(201);
    await sql("update idempotency_keys set expires_at = now() - interval '1 second' where key = ?", [key]);
    const fresh = await post(rolesPath(), key, { name: `new-${key}` });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();

    const stale = randomUUID();
    await plant(stale, 'whatever', { lockedFor: '-2 hours', expiresIn: '-1 hour' });
    const { realmId } = await adminScope();
    // Only this rule: other files' rows in the master realm are theirs to prune.
    const rules = PRUNE_RULES.filter((rule) => rule.table === 'idempotency_keys');
    const pruned = await new Pruner(server.services.orm, Date.now, { realmId, rules }).prune();
    expect(pruned.deleted.idempotency_keys).toBeGreaterThanOrEqual(1);
    expect(await sql('select 1 from idempotency_keys where key = ?', [stale])).toHaveLength(0);
    expect(await sql('select 1 from idempotency_keys where key = ?', [key])).toHaveLength(1);
  });
});
