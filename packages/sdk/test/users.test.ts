import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, type Realmkit, UnprocessableEntityError } from '../src/index.ts';
import { createRealm } from './support/realmkit.ts';

let rk: Realmkit;

beforeAll(async () => {
  rk = (await createRealm('sdk-users')).admin;
});

describe('rk.users', () => {
  it('creates, gets, updates, lists and deletes, with typed errors', async () => {
    const user = await rk.users.create({ email: 'jane@example.com', name: 'Jane Doe', password: 'securePassword123' });
    expect(user).toMatchObject({ email: 'jane@example.com', name: 'Jane Doe', has_password: true });
    expect(await rk.users.get(user.id)).toEqual(user);
    expect((await rk.users.update(user.id, { name: 'Jane Smith' })).name).toBe('Jane Smith');

    const conflict = await rk.users.create({ email: 'JANE@example.com' }).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict).toMatchObject({ status: 409, error: 'conflict', details: [{ path: 'email' }] });
    expect((conflict as ConflictError).requestId).toEqual(expect.any(String));

    const weak = await rk.users.setPassword(user.id, 'short').catch((error: unknown) => error);
    expect(weak).toBeInstanceOf(UnprocessableEntityError);
    expect(await rk.users.verifyPassword(user.id, 'securePassword123')).toBe(true);
    expect(await rk.users.verifyPassword(user.id, 'wrong-password')).toBe(false);

    const emails: string[] = [];
    for await (const u of rk.users.list({ search: 'jane' })) emails.push(u.email);
    expect(emails).toEqual(['jane@example.com']);

    await rk.users.delete(user.id);
    await expect(rk.users.get(user.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('iterates across pages with for await, and pages one at a time', async () => {
    for (let i = 0; i < 5; i++) await rk.users.create({ email: `page${i}@example.com` });
    const first = await rk.users.list({ per_page: 2, search: 'page' });
    expect(first.data).toHaveLength(2);
    expect(first.meta).toEqual({ current_page: 1, per_page: 2, total: 5 });
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second.meta.current_page).toBe(2);

    const all: string[] = [];
    for await (const u of rk.users.list({ per_page: 2, search: 'page' })) all.push(u.email);
    expect(all.sort()).toEqual(['page0', 'page1', 'page2', 'page3', 'page4'].map((p) => `${p}@example.com`));
  });
});
