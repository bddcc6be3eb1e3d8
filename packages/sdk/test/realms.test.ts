import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  Realmkit,
  UnprocessableEntityError,
} from '../src/index.ts';
import { baseUrl, createRealm, masterClient } from './support/realmkit.ts';

const master = masterClient();

function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

describe('rk.realms', () => {
  it('creates, gets by name and id, updates, lists and deletes a realm', async () => {
    const name = uniqueName('sdk-realms');
    const realm = await master.realms.create({ name, display_name: 'SDK Realms Test' });
    expect(realm).toMatchObject({ name, display_name: 'SDK Realms Test' });
    expect(realm.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await master.realms.get(name)).toEqual(realm);
    expect(await master.realms.get(realm.id)).toEqual(realm);

    const updated = await master.realms.update(name, { display_name: 'Renamed Display' });
    expect(updated).toMatchObject({ id: realm.id, name, display_name: 'Renamed Display' });
    expect((await master.realms.update(realm.id, { display_name: null })).display_name).toBeNull();

    const found = await master.realms.list({ search: name });
    expect(found.data.map((r) => r.id)).toEqual([realm.id]);
    expect(found.meta.total).toBe(1);
    const names: string[] = [];
    for await (const r of master.realms.list({ per_page: 2 })) names.push(r.name);
    expect(names).toContain('master');
    expect(names).toContain(name);

    const duplicate = await master.realms.create({ name }).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate).toMatchObject({ status: 409, details: [{ path: 'name' }] });
    const reserved = await master.realms.create({ name: 'realms' }).catch((error: unknown) => error);
    expect(reserved).toBeInstanceOf(UnprocessableEntityError);
    expect(reserved).toMatchObject({ status: 422, details: [{ path: 'name' }] });

    await master.realms.delete(name);
    await expect(master.realms.get(name)).rejects.toBeInstanceOf(NotFoundError);
    await expect(master.realms.delete(realm.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await master.realms.list({ search: name })).meta.total).toBe(0);
  });

  it("lists and rotates a realm's signing keys; signing_algorithm picks the algorithm", async () => {
    const name = uniqueName('sdk-keys');
    const realm = await master.realms.create({ name, signing_algorithm: 'ES256' });
    expect(realm.signing_algorithm).toBe('ES256');
    const [first] = await master.realms.listKeys(name);
    expect(first).toEqual({
      kid: expect.any(String),
      alg: 'ES256',
      status: 'active',
      created_at: expect.any(String),
      retires_at: null,
    });

    const rotated = await master.realms.rotateKeys(name, { algorithm: 'EdDSA' });
    expect(rotated.map((key) => [key.alg, key.status])).toEqual([
      ['EdDSA', 'active'],
      ['ES256', 'retiring'],
    ]);
    expect((await master.realms.get(name)).signing_algorithm).toBe('EdDSA');
    expect(await master.realms.rotateKeys(name)).toHaveLength(3);
    await master.realms.delete(name);
  });

  it('refuses the realms API to a token of another realm', async () => {
    const { name, admin } = await createRealm('sdk-realms-own');
    const role = await admin.roles.create({ name: 'manager' });
    const management = (await admin.resources.list()).data[0]!;
    const scopes = await admin.resources.scopes.list(management.id, { per_page: 100 });
    await admin.roles.scopes.assign(
      role.id,
      scopes.data.map((s) => s.id),
    );
    const app = await admin.applications.create({ name: 'own admin', type: 'm2m' });
    await admin.applications.roles.assign(app.id, [role.id]);

    const own = new Realmkit({ baseUrl, realm: name, clientId: app.client_id, clientSecret: app.client_secret! });
    expect((await own.users.list()).meta.total).toBe(0);
    const refused = await own.realms.list().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect(refused).toMatchObject({ status: 403, error: 'insufficient_scope' });
    await master.realms.delete(name);
  });
});

describe('forRealm', () => {
  it('manages another realm with the same token, and only that realm', async () => {
    const a = await master.realms.create({ name: uniqueName('sdk-for-a') });
    const b = await master.realms.create({ name: uniqueName('sdk-for-b') });
    const rkA = master.forRealm(a.name);
    const rkB = master.forRealm(b.id);
    expect(master.realm).toBe('master');
    expect(rkA.realm).toBe(a.name);
    expect(rkB.realm).toBe(b.id);
    expect(rkA.tokens).toBe(master.tokens);

    const user = await rkA.users.create({ email: 'scoped@example.com' });
    expect((await rkA.users.list()).data.map((u) => u.id)).toEqual([user.id]);
    expect((await rkB.users.list()).meta.total).toBe(0);
    await expect(rkB.users.get(user.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await master.users.list({ search: 'scoped@example.com' })).meta.total).toBe(0);

    const missing = await master
      .forRealm(uniqueName('sdk-missing'))
      .users.list()
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundError);

    await master.realms.delete(a.id);
    await master.realms.delete(b.name);
  });
});
