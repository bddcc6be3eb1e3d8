import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationEntity } from '../src/applications/application.entity.ts';
import { findInRealm } from '../src/db/find-in-realm.ts';
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
