import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

/**
 * The concurrency promises, proven with simultaneous requests. On the embedded database the
 * requests are serialised by PGlite; on PostgreSQL (DATABASE_URL) they really race.
 */

let server: TestServer;
let admin: string;
let realm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm } = await startWithRealms('race'));
});
afterAll(() => server?.close());

const api = () => `/api/v1/${realm.name}`;

async function count(query: string, params: unknown[]): Promise<number> {
  const [row] = await server.services.orm.em.fork().execute<{ count: string }[]>(query, params);
  return Number(row?.count);
}

function tally(responses: ApiResponse[]): Record<number, number> {
  const statuses: Record<number, number> = {};
  for (const { status } of responses) statuses[status] = (statuses[status] ?? 0) + 1;
  return statuses;
}

describe('concurrency', () => {
  it('50 simultaneous creates of one email: one 201, forty-nine 409, one row', async () => {
    const email = `race-${randomUUID()}@example.com`;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.call('POST', `${api()}/users`, { token: admin, json: { email, name: `Racer ${i}` } }),
      ),
    );
    expect(tally(responses)).toEqual({ 201: 1, 409: 49 });
    for (const response of responses.filter((r) => r.status === 409)) expect(response.body.error).toBe('conflict');
    expect(await count('select count(*) from users where realm_id = ? and email = ?', [realm.id, email])).toBe(1);
  });

  it('50 simultaneous PATCHes of one user with the same If-Match: one 200, forty-nine 412, one change', async () => {
    const created = await server.call('POST', `${api()}/users`, {
      token: admin,
      json: { email: `patched-${randomUUID()}@example.com`, name: 'Original' },
    });
    const url = `${api()}/users/${created.body.data.id}`;
    const etag = created.headers.get('etag') as string;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.call('PATCH', url, { token: admin, json: { name: `Writer ${i}` }, headers: { 'if-match': etag } }),
      ),
    );
    expect(tally(responses)).toEqual({ 200: 1, 412: 49 });
    const winner = responses.find((r) => r.status === 200);
    const [row] = await server.services.orm.em
      .fork()
      .execute<{ name: string; version: number }[]>('select name, version from users where id = ?', [
        created.body.data.id,
      ]);
    expect(row).toEqual({ name: winner?.body.data.name, version: 2 });
  });

  it('20 simultaneous secret rotations with one If-Match: one 200, nineteen 412; the winner’s secret works', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const url = `${api()}/applications/${client.applicationId}`;
    const etag = (await server.call('GET', url, { token: admin })).headers.get('etag') as string;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.call('POST', `${url}/secret`, {
          token: admin,
          json: { grace_period_seconds: 600 },
          headers: { 'if-match': etag },
        }),
      ),
    );
    expect(tally(responses)).toEqual({ 200: 1, 412: 19 });
    const winner = responses.find((r) => r.status === 200);
    // The grace period kept the secret the rotation replaced, not one a loser would have made.
    for (const secret of [winner?.body.data.client_secret, client.clientSecret]) {
      expect(await server.token(realm.name, { clientId: client.clientId, clientSecret: secret })).toBeTruthy();
    }
    const [row] = await server.services.orm.em
      .fork()
      .execute<{ version: number }[]>('select version from applications where id = ?', [client.applicationId]);
    expect(row?.version).toBe(2);
  });

  it('10 simultaneous key rotations of one realm with one If-Match: one 200, nine 412, one new key', async () => {
    const created = await server.call('POST', '/api/v1/realms', {
      token: admin,
      json: { name: `race-keys-${randomUUID().slice(0, 8)}`, signing_algorithm: 'ES256' },
    });
    const url = `/api/v1/realms/${created.body.data.id}`;
    const etag = created.headers.get('etag') as string;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        server.call('POST', `${url}/keys/rotate`, { token: admin, headers: { 'if-match': etag } }),
      ),
    );
    expect(tally(responses)).toEqual({ 200: 1, 412: 9 });
    expect(await count('select count(*) from signing_keys where realm_id = ?', [created.body.data.id])).toBe(2);
    expect((await server.call('DELETE', url, { token: admin })).status).toBe(204);
  });

  it('20 simultaneous POSTs with one Idempotency-Key and body: one resource; each answer the 201 or 409 in progress', async () => {
    const key = randomUUID();
    const name = `idempotent-${key}`;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.call('POST', `${api()}/applications`, {
          token: admin,
          json: { name, type: 'm2m' },
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    const original = created.filter((r) => r.headers.get('idempotent-replayed') === null);
    expect(original).toHaveLength(1);
    for (const response of responses) {
      if (response.status === 201) {
        expect(response.body).toEqual(original[0]?.body);
      } else {
        expect(response.status).toBe(409);
        expect(response.body.error).toBe('idempotency_key_in_progress');
      }
    }
    expect(await count('select count(*) from applications where realm_id = ? and name = ?', [realm.id, name])).toBe(1);
  });

  it('creates racing a realm’s deletion answer 201 or 404 "Realm … not found", never 500 (the deferred foreign key)', async () => {
    // Each round: a fresh realm, writes of every kind in flight from a master token and from the
    // realm's own client, and the realm deleted among them. A write that read the realm before the
    // delete committed meets `*_realm_id_fkey` at its own commit: that is the realm's 404 too.
    for (let round = 0; round < 4; round++) {
      const doomed = await server.createRealm(admin, 'race-doomed');
      const own = await server.token(
        doomed.name,
        await server.createRealmClient(doomed.name, ['users:write', 'roles:write', 'applications:write']),
      );
      const path = (ref: string, resource: string) => `/api/v1/${ref}/${resource}`;
      const refOf = (i: number) => (i % 2 === 0 ? doomed.name : doomed.id);
      const write = (i: number) => {
        const token = i % 4 === 3 ? own : admin;
        const ref = refOf(i);
        switch (i % 4) {
          case 0:
            return server.call('POST', path(ref, 'users'), {
              token,
              json: { email: `doomed-${randomUUID()}@example.com`, name: 'Doomed' },
            });
          case 1:
            return server.call('POST', path(ref, 'roles'), { token, json: { name: `role-${randomUUID()}` } });
          case 2:
            return server.call('POST', path(ref, 'applications'), {
              token,
              json: { name: `app-${randomUUID()}`, type: 'm2m' },
            });
          default:
            return server.call('POST', path(ref, 'users'), {
              token,
              json: { email: `own-${randomUUID()}@example.com`, name: 'Own' },
            });
        }
      };
      const before = Array.from({ length: 40 }, (_, i) => write(i));
      const deleted = server.call('DELETE', `/api/v1/realms/${doomed.id}`, { token: admin });
      const after = Array.from({ length: 40 }, (_, i) => write(i));
      const responses = await Promise.all([...before, ...after]);
      expect((await deleted).status).toBe(204);
      for (const [i, response] of responses.entries()) {
        const ownToken = i % 4 === 3;
        const expected = ownToken ? [201, 401, 403, 404] : [201, 404];
        expect(expected, `${response.status} ${JSON.stringify(response.body)}`).toContain(response.status);
        if (response.status === 404) {
          expect(response.body).toMatchObject({ error: 'not_found' });
          // As the path named it (the realm's lookup), or by name (a write that found it, then lost it).
          expect([`Realm ${refOf(i % 40)} not found`, `Realm ${doomed.name} not found`]).toContain(
            response.body.message,
          );
        }
      }
      // Nothing outlives its realm.
      expect(await count('select count(*) from users where realm_id = ?', [doomed.id])).toBe(0);
    }
  });
});
