import { REALM_MANAGEMENT_SCOPES } from '@realmkit/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, type Realmkit, type Resource, UnprocessableEntityError } from '../src/index.ts';
import { createRealm } from './support/realmkit.ts';

let rk: Realmkit;
let management: Resource;

beforeAll(async () => {
  rk = (await createRealm('sdk-roles')).admin;
  const first = (await rk.resources.list()).data[0];
  if (!first?.is_management_api) throw new Error('the Management API is not listed first');
  management = first;
});

describe('rk.roles', () => {
  it('creates, gets, updates, lists and deletes', async () => {
    const role = await rk.roles.create({ name: 'editor', description: 'Can edit content' });
    expect(role).toMatchObject({ name: 'editor', description: 'Can edit content' });
    expect(await rk.roles.get(role.id)).toEqual(role);

    const updated = await rk.roles.update(role.id, { description: 'Can edit and publish content' });
    expect(updated).toMatchObject({ id: role.id, name: 'editor', description: 'Can edit and publish content' });
    expect((await rk.roles.update(role.id, { description: null })).description).toBeNull();

    const duplicate = await rk.roles.create({ name: 'editor' }).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate).toMatchObject({ status: 409, error: 'conflict' });

    await rk.roles.create({ name: 'author' });
    await rk.roles.create({ name: 'viewer', description: 'Read-only editor access' });
    const page = await rk.roles.list();
    expect(page.data.map((r) => r.name)).toEqual(['author', 'editor', 'viewer']);
    expect(page.meta).toEqual({ current_page: 1, per_page: 20, total: 3 });
    // `search` matches name and description.
    expect((await rk.roles.list({ search: 'EDITOR' })).data.map((r) => r.name)).toEqual(['editor', 'viewer']);
    const names: string[] = [];
    for await (const r of rk.roles.list({ per_page: 2 })) names.push(r.name);
    expect(names).toEqual(['author', 'editor', 'viewer']);

    await rk.roles.delete(role.id);
    await expect(rk.roles.get(role.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await rk.roles.list()).data.map((r) => r.name)).toEqual(['author', 'viewer']);
  });

  it('assigns, lists and removes scopes of the Management API and of a custom resource', async () => {
    const role = await rk.roles.create({ name: 'scoped' });
    const managementScopes = (await rk.resources.scopes.list(management.id)).data;
    const usersRead = managementScopes.find((s) => s.name === 'users:read');
    const rolesRead = managementScopes.find((s) => s.name === 'roles:read');
    if (!usersRead || !rolesRead) throw new Error('Management API scopes missing');
    const api = await rk.resources.create({ name: 'Blog', indicator: 'https://blog.roles-test.example' });
    const readPosts = await rk.resources.scopes.create(api.id, { name: 'read:posts', description: 'Read posts' });

    expect((await rk.roles.scopes.list(role.id)).data).toEqual([]);
    await rk.roles.scopes.assign(role.id, [usersRead.id, readPosts.id, rolesRead.id]);
    await rk.roles.scopes.assign(role.id, [usersRead.id]); // already held: fine

    const held = await rk.roles.scopes.list(role.id);
    expect(held.meta.total).toBe(3);
    expect(held.data.map((s) => s.name)).toEqual(['read:posts', 'roles:read', 'users:read']);
    expect(held.data[0]).toEqual({
      ...readPosts,
      resource: { id: api.id, name: 'Blog', indicator: 'https://blog.roles-test.example' },
    });
    expect(held.data[2]?.resource).toEqual({
      id: management.id,
      name: management.name,
      indicator: management.indicator,
    });
    expect((await rk.roles.scopes.list(role.id, { search: 'posts' })).data.map((s) => s.id)).toEqual([readPosts.id]);

    await rk.roles.scopes.remove(role.id, rolesRead.id);
    expect((await rk.roles.scopes.list(role.id)).data.map((s) => s.name)).toEqual(['read:posts', 'users:read']);
    await expect(rk.roles.scopes.remove(role.id, rolesRead.id)).rejects.toBeInstanceOf(NotFoundError);

    const unknownId = '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20';
    const unknown = await rk.roles.scopes.assign(role.id, [rolesRead.id, unknownId]).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(UnprocessableEntityError);
    expect(unknown).toMatchObject({ status: 422, details: [{ path: 'scope_ids.1' }] });
    // All or nothing: roles:read was not assigned either.
    expect((await rk.roles.scopes.list(role.id)).meta.total).toBe(2);

    // Deleting the resource takes its scopes out of the role.
    await rk.resources.delete(api.id);
    expect((await rk.roles.scopes.list(role.id)).data.map((s) => s.name)).toEqual(['users:read']);
  });

  it('lists every Management API scope a role may hold', async () => {
    const all = await rk.resources.scopes.list(management.id, { per_page: 100 });
    const role = await rk.roles.create({ name: 'realm-admin' });
    await rk.roles.scopes.assign(
      role.id,
      all.data.map((s) => s.id),
    );
    const names: string[] = [];
    for await (const s of rk.roles.scopes.list(role.id, { per_page: 4 })) names.push(s.name);
    expect(names).toEqual([...REALM_MANAGEMENT_SCOPES].sort());
  });
});
