import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationEntity } from '../src/applications/application.entity.ts';
import { findInRealm, readInRealm } from '../src/db/find-in-realm.ts';
import { newestFirstPage, searchFilter } from '../src/db/pagination.ts';
import { UserEntity } from '../src/users/user.entity.ts';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;
let otherRealm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm, otherRealm } = await startWithRealms('find-in-realm'));
});
afterAll(() => server?.close());

describe('findInRealm', () => {
  it('answers what em.findOne answers: every column, typed alike, hidden ones included', async () => {
    const created = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      json: { email: 'found@example.com', name: 'Found', password: 'correct horse battery', is_suspended: true },
    });
    const byFindOne = await server.services.orm.em.fork().findOne(UserEntity, { id: created.id, realmId: realm.id });
    const found = await findInRealm(server.services.orm.em.fork(), UserEntity, created.id, realm.id);
    expect(found).not.toBeNull();
    expect({ ...found }).toEqual({ ...byFindOne });
    expect(found?.createdAt).toBeInstanceOf(Date);
    expect(found?.passwordHash).toMatch(/^\$argon2id\$/);

    const application = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/applications`, {
      token: admin,
      json: { name: 'Found app', type: 'm2m' },
    });
    const appByFindOne = await server.services.orm.em
      .fork()
      .findOne(ApplicationEntity, { id: application.id, realmId: realm.id });
    const appFound = await findInRealm(server.services.orm.em.fork(), ApplicationEntity, application.id, realm.id);
    expect({ ...appFound }).toEqual({ ...appByFindOne });
  });

  it('finds nothing in another realm, nor for an id that does not exist', async () => {
    const created = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      json: { email: 'elsewhere@example.com' },
    });
    const em = server.services.orm.em.fork();
    expect(await findInRealm(em, UserEntity, created.id, otherRealm.id)).toBeNull();
    expect(await findInRealm(em, UserEntity, '00000000-0000-7000-8000-000000000000', realm.id)).toBeNull();
  });

  it('returns an entity its EntityManager manages: a change to it is flushed', async () => {
    const created = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      json: { email: 'managed@example.com' },
    });
    const em = server.services.orm.em.fork();
    const user = await findInRealm(em, UserEntity, created.id, realm.id);
    if (!user) throw new Error('not found');
    user.name = 'Renamed through the entity';
    await em.flush();
    const fetched = await server.expectCall(200, 'GET', `/api/v1/${realm.name}/users/${created.id}`, { token: admin });
    expect(fetched.name).toBe('Renamed through the entity');
  });
});

describe('readInRealm', () => {
  it("answers findInRealm's properties, typed alike, hidden ones included, or null elsewhere", async () => {
    const created = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      json: { email: 'read@example.com', username: 'reader', password: 'correct horse battery' },
    });
    const found = await findInRealm(server.services.orm.em.fork(), UserEntity, created.id, realm.id);
    const read = await readInRealm(server.services.orm.em.fork(), UserEntity, created.id, realm.id);
    expect({ ...read }).toEqual({ ...found });
    expect(read?.updatedAt).toBeInstanceOf(Date);
    expect(read?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await readInRealm(server.services.orm.em.fork(), UserEntity, created.id, otherRealm.id)).toBeNull();
  });

  it('is not managed by its EntityManager: a change to it is never flushed', async () => {
    const created = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      json: { email: 'unmanaged@example.com', name: 'Unchanged' },
    });
    const em = server.services.orm.em.fork();
    const user = await readInRealm(em, UserEntity, created.id, realm.id);
    if (!user) throw new Error('not found');
    user.name = 'Changed on a copy';
    await em.flush();
    const fetched = await server.expectCall(200, 'GET', `/api/v1/${realm.name}/users/${created.id}`, { token: admin });
    expect(fetched.name).toBe('Unchanged');
  });
});

describe('newestFirstPage', () => {
  it('answers what em.find and em.count answer for the same filter, window and cursor, as plain objects', async () => {
    const users = [
      { email: 'page-a@example.com', name: 'Percent 100%' },
      { email: 'page-b@example.org', username: 'under_score' },
      { email: 'page-c@example.com', name: 'Plain' },
      { email: 'page-d@example.com' },
    ];
    for (const json of users) {
      await server.expectCall(201, 'POST', `/api/v1/${otherRealm.name}/users`, { token: admin, json });
    }
    const em = server.services.orm.em.fork();
    const searchIn = ['email', 'username', 'name'] as const;
    const queries = [
      { page: 1, per_page: 20 },
      { page: 2, per_page: 2 },
      { page: 1, per_page: 2, after: 'last' },
    ];
    for (const search of [undefined, '_', '%', 'EXAMPLE.COM', 'nobody']) {
      const where = { realmId: otherRealm.id, ...searchFilter(search, searchIn) };
      const all = await em.fork().find(UserEntity, where, { orderBy: { id: 'desc' } });
      for (const { after, ...window } of queries) {
        // The cursor: the newest row's id, so that the page after it is the rest.
        const query = { ...window, after: after && all[0]?.id };
        const byFind = await em
          .fork()
          .find(UserEntity, query.after ? { $and: [where, { id: { $lt: query.after } }] } : where, {
            orderBy: { id: 'desc' },
            limit: query.per_page,
            offset: (query.page - 1) * query.per_page,
          });
        const filter = { realmId: otherRealm.id, search, searchIn };
        // Without a search, the caller's count (here em.count's); with one, the search's own.
        const page = await newestFirstPage(em.fork(), UserEntity, filter, query, () =>
          em.fork().count(UserEntity, where),
        );
        const context = JSON.stringify({ search, query });
        expect(
          page.items.map((user) => ({ ...user })),
          context,
        ).toEqual(byFind.map((user) => ({ ...user })));
        expect(page.meta.total, context).toBe(await em.fork().count(UserEntity, where));
      }
    }
    expect((await em.fork().find(UserEntity, { realmId: otherRealm.id, ...searchFilter('%', searchIn) })).length).toBe(
      1,
    );
  });
});
