import { REALM_MANAGEMENT_SCOPES } from '@realmkit/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, type Realmkit, UnprocessableEntityError } from '../src/index.ts';
import { baseUrl, createRealm } from './support/realmkit.ts';

let realm: string;
let rk: Realmkit;

beforeAll(async () => {
  ({ name: realm, admin: rk } = await createRealm('sdk-resources'));
});

describe('rk.resources', () => {
  it('lists the built-in, read-only Management API first, with its scopes', async () => {
    const fresh = await rk.resources.list();
    expect(fresh.meta.total).toBe(1);
    const management = fresh.data[0]!;
    expect(management).toMatchObject({
      is_management_api: true,
      indicator: `${baseUrl}/api/v1/${realm}`,
      access_token_ttl: expect.any(Number),
    });
    expect(await rk.resources.get(management.id)).toEqual(management);

    const scopes = await rk.resources.scopes.list(management.id, { per_page: 100 });
    expect(scopes.data.map((s) => s.name).sort()).toEqual([...REALM_MANAGEMENT_SCOPES].sort());
    expect(scopes.data.every((s) => s.resource_id === management.id)).toBe(true);

    // Newer resources come after it.
    const api = await rk.resources.create({ name: 'Orders', indicator: 'https://orders.resources-test.example' });
    const listed = await rk.resources.list();
    expect(listed.data.map((r) => r.id)).toEqual([management.id, api.id]);

    const readOnly = await rk.resources.update(management.id, { name: 'Mine now' }).catch((error: unknown) => error);
    expect(readOnly).toBeInstanceOf(UnprocessableEntityError);
    expect(readOnly).toMatchObject({ status: 422, error: 'read_only' });
    await expect(rk.resources.scopes.create(management.id, { name: 'extra:scope' })).rejects.toBeInstanceOf(
      UnprocessableEntityError,
    );
    await expect(rk.resources.delete(management.id)).rejects.toBeInstanceOf(UnprocessableEntityError);
    expect(await rk.resources.get(management.id)).toEqual(management);
  });

  it('creates, gets, updates, searches and deletes a resource', async () => {
    const api = await rk.resources.create({ name: 'Blog API', indicator: 'https://blog.resources-test.example' });
    expect(api).toMatchObject({
      name: 'Blog API',
      indicator: 'https://blog.resources-test.example',
      access_token_ttl: 3600,
      is_management_api: false,
    });
    expect(await rk.resources.get(api.id)).toEqual(api);

    const updated = await rk.resources.update(api.id, { name: 'Blog', access_token_ttl: 900 });
    expect(updated).toMatchObject({
      id: api.id,
      name: 'Blog',
      access_token_ttl: 900,
      indicator: 'https://blog.resources-test.example',
    });

    const duplicate = await rk.resources
      .create({ name: 'Copy', indicator: 'https://blog.resources-test.example' })
      .catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate).toMatchObject({ status: 409, details: [{ path: 'indicator' }] });

    const found = await rk.resources.list({ search: 'blog.resources-test' });
    expect(found.data.map((r) => r.id)).toEqual([api.id]);
    const ids: string[] = [];
    for await (const r of rk.resources.list({ per_page: 1 })) ids.push(r.id);
    expect(ids).toContain(api.id);
    expect(ids.length).toBe((await rk.resources.list()).meta.total);

    await rk.resources.delete(api.id);
    await expect(rk.resources.get(api.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(rk.resources.scopes.list(api.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates, lists, updates and deletes scopes', async () => {
    const api = await rk.resources.create({ name: 'Photos', indicator: 'https://photos.resources-test.example' });
    const read = await rk.resources.scopes.create(api.id, { name: 'read:photos', description: 'Read photos' });
    expect(read).toMatchObject({ resource_id: api.id, name: 'read:photos', description: 'Read photos' });
    const write = await rk.resources.scopes.create(api.id, { name: 'write:photos' });
    expect(write.description).toBeNull();

    const page = await rk.resources.scopes.list(api.id);
    expect(page.data).toEqual([read, write]);
    expect(page.meta).toEqual({ current_page: 1, per_page: 20, total: 2 });

    const duplicate = await rk.resources.scopes.create(api.id, { name: 'read:photos' }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(ConflictError);

    const renamed = await rk.resources.scopes.update(api.id, write.id, {
      name: 'upload:photos',
      description: 'Upload new photos',
    });
    expect(renamed).toMatchObject({ id: write.id, name: 'upload:photos', description: 'Upload new photos' });
    expect((await rk.resources.scopes.list(api.id, { search: 'upload' })).data).toEqual([renamed]);

    await rk.resources.scopes.delete(api.id, read.id);
    expect((await rk.resources.scopes.list(api.id)).data.map((s) => s.id)).toEqual([write.id]);
    await expect(rk.resources.scopes.delete(api.id, read.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(rk.resources.scopes.update(api.id, read.id, { description: 'gone' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
