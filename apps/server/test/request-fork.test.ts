import { type EntityManager, RequestContext } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contextEntityManager, withRequestFork } from '../src/db/request-fork.ts';
import { UserEntity } from '../src/users/user.entity.ts';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm } = await startWithRealms('request-fork'));
});
afterAll(() => server?.close());

/** The EntityManager the ORM's operations use here (what `em.find` resolves to). */
const current = (root: EntityManager) => root.getContext(false);

describe('withRequestFork', () => {
  it('forks once, on first use: each request its own identity map, the same one throughout', async () => {
    const root = server.services.orm.em;
    const fork = vi.spyOn(root, 'fork');
    try {
      const [first, second] = await Promise.all(
        [1, 2].map((n) =>
          withRequestFork(root, async () => {
            await new Promise((resolve) => setTimeout(resolve, n));
            expect(fork).toHaveBeenCalledTimes(n - 1);
            const em = current(root);
            await new Promise((resolve) => setTimeout(resolve, 5));
            expect(current(root)).toBe(em);
            return em;
          }),
        ),
      );
      expect(fork).toHaveBeenCalledTimes(2);
      expect(first).not.toBe(root);
      expect(second).not.toBe(first);
    } finally {
      fork.mockRestore();
    }
  });

  it('gives way to a RequestContext made inside the request, and to none outside one', async () => {
    const root = server.services.orm.em;
    await withRequestFork(root, async () => {
      const own = current(root);
      const inner = await RequestContext.create(root, async () => current(root));
      expect(inner).not.toBe(own);
      expect(inner).not.toBe(root);
      expect(current(root)).toBe(own);
    });
    // A request inside a RequestContext that began before it: the request's own wins.
    await RequestContext.create(root, () =>
      withRequestFork(root, async () => {
        expect(current(root)).not.toBe(RequestContext.getEntityManager());
      }),
    );
    expect(contextEntityManager(root.name)).toBeUndefined();
    await expect(root.find(UserEntity, { realmId: realm.id })).rejects.toThrow(/global EntityManager/);
  });

  it('GET /users/{id} forks no EntityManager; a write in a request still gets its own', async () => {
    const created = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      json: { email: 'no-fork@example.com' },
    });
    const path = `/api/v1/${realm.name}/users/${created.id}`;
    await server.expectCall(200, 'GET', path, { token: admin }); // the token and realm now cached
    const fork = vi.spyOn(server.services.orm.em, 'fork');
    try {
      await server.expectCall(200, 'GET', path, { token: admin });
      expect(fork).not.toHaveBeenCalled();
      const updated = await server.expectCall(200, 'PATCH', path, { token: admin, json: { name: 'Forked' } });
      expect(updated.name).toBe('Forked');
      expect(fork).toHaveBeenCalled();
    } finally {
      fork.mockRestore();
    }
  });
});
