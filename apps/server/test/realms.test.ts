import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.masterToken();
});
afterAll(() => server?.close());

describe('/api/v1/realms', () => {
  it('creates, reads by UUID and by name, updates, lists and deletes a realm', async () => {
    const created = await server.call('POST', '/api/v1/realms', {
      token: admin,
      json: { name: 'realms-crud', display_name: 'Realms CRUD' },
    });
    expect(created.status).toBe(201);
    const realm = created.body.data;
    expect(realm).toMatchObject({ name: 'realms-crud', display_name: 'Realms CRUD' });
    expect(realm.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);

    for (const ref of [realm.id, realm.name]) {
      const fetched = await server.call('GET', `/api/v1/realms/${ref}`, { token: admin });
      expect(fetched.status).toBe(200);
      expect(fetched.body.data).toEqual(realm);
    }

    const updated = await server.call('PATCH', `/api/v1/realms/${realm.name}`, {
      token: admin,
      json: { display_name: 'Renamed' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data.display_name).toBe('Renamed');

    const listed = await server.call('GET', '/api/v1/realms?search=realms-cr', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((r: { name: string }) => r.name)).toEqual(['realms-crud']);
    expect(listed.body.meta).toEqual({ current_page: 1, per_page: 20, total: 1 });

    expect((await server.call('DELETE', `/api/v1/realms/${realm.id}`, { token: admin })).status).toBe(204);
    expect((await server.call('GET', `/api/v1/realms/${realm.name}`, { token: admin })).status).toBe(404);
    expect((await server.call('POST', `/oauth2/${realm.name}/token`, { form: {} })).status).toBe(404);
  });

  it('answers 409 for a name that exists, and 422 for a reserved one', async () => {
    const duplicate = await server.call('POST', '/api/v1/realms', { token: admin, json: { name: 'master' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: 'conflict', details: [{ path: 'name' }] });

    const reserved = await server.call('POST', '/api/v1/realms', { token: admin, json: { name: 'realms' } });
    expect(reserved.status).toBe(422);
    expect(reserved.body.error).toBe('validation_failed');
  });

  it('refuses names that are not slugs or that look like UUIDs (400)', async () => {
    for (const name of ['Acme', '1acme', 'acme-', 'a_b', '', 'a'.repeat(64), 'abcdef01-2345-6789-abcd-ef0123456789']) {
      const response = await server.call('POST', '/api/v1/realms', { token: admin, json: { name } });
      expect(response.status, name).toBe(400);
      expect(response.body.details[0].path).toBe('name');
    }
  });

  it('refuses unknown fields, including an attempt to rename', async () => {
    const realm = await server.createRealm(admin, 'rename');
    const response = await server.call('PATCH', `/api/v1/realms/${realm.name}`, {
      token: admin,
      json: { name: 'other' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: 'invalid_request',
      details: [{ path: 'name', message: 'Unknown field' }],
    });
  });

  it('keeps the master realm', async () => {
    const response = await server.call('DELETE', '/api/v1/realms/master', { token: admin });
    expect(response.status).toBe(422);
    expect((await server.call('GET', '/api/v1/realms/master', { token: admin })).status).toBe(200);
  });

  it('answers 404 for an unknown realm', async () => {
    for (const ref of ['no-such-realm', '01900000-0000-7000-8000-000000000000']) {
      const response = await server.call('GET', `/api/v1/realms/${ref}`, { token: admin });
      expect(response.status).toBe(404);
      expect(response.body.error).toBe('not_found');
    }
  });

  it('needs a master token with the realms scopes', async () => {
    expect((await server.call('GET', '/api/v1/realms')).status).toBe(401);

    const usersOnly = await server.masterToken('users:read');
    const forbidden = await server.call('GET', '/api/v1/realms', { token: usersOnly });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toBe('insufficient_scope');
    expect(forbidden.headers.get('www-authenticate')).toContain('scope="realms:read"');

    const readOnly = await server.masterToken('realms:read');
    expect((await server.call('GET', '/api/v1/realms', { token: readOnly })).status).toBe(200);
    expect((await server.call('POST', '/api/v1/realms', { token: readOnly, json: { name: 'nope' } })).status).toBe(403);
  });

  it("never lets another realm's token near the realms API, even with every scope", async () => {
    const realm = await server.createRealm(admin, 'notmaster');
    const client = await server.createRealmClient(realm.id, ['users:read', 'users:write']);
    const token = await server.token(realm.name, client);
    const response = await server.call('GET', '/api/v1/realms', { token });
    expect(response.status).toBe(403);
    expect(response.body.error).toBe('insufficient_scope');
  });

  it('paginates', async () => {
    const prefix = `pg${Date.now().toString(36)}`;
    for (let i = 0; i < 3; i++) {
      await server.call('POST', '/api/v1/realms', { token: admin, json: { name: `${prefix}-${i}` } });
    }
    const page2 = await server.call('GET', `/api/v1/realms?search=${prefix}&per_page=2&page=2`, { token: admin });
    expect(page2.body.data.map((r: { name: string }) => r.name)).toEqual([`${prefix}-2`]);
    expect(page2.body.meta).toEqual({ current_page: 2, per_page: 2, total: 3 });
  });
});
