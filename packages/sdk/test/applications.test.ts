import { beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ClientCredentials,
  ConflictError,
  NotFoundError,
  type Realmkit,
  UnprocessableEntityError,
} from '../src/index.ts';
import { baseUrl, createRealm } from './support/realmkit.ts';

let realm: string;
let rk: Realmkit;

beforeAll(async () => {
  ({ name: realm, admin: rk } = await createRealm('sdk-apps'));
});

/** A token request of the application, as its own code would make it. */
function tokenOf(clientId: string, clientSecret: string): Promise<string> {
  return new ClientCredentials({ baseUrl, realm, clientId, clientSecret, maxRetries: 0 }).getToken();
}

describe('rk.applications', () => {
  it('creates an m2m application with a client secret, and a spa without one', async () => {
    const m2m = await rk.applications.create({ name: 'worker', type: 'm2m', description: 'Nightly jobs' });
    expect(m2m).toMatchObject({ name: 'worker', type: 'm2m', description: 'Nightly jobs', redirect_uris: [] });
    expect(m2m.client_id).toEqual(expect.any(String));
    expect(m2m.client_secret).toEqual(expect.any(String));
    expect(m2m.client_secret!.length).toBeGreaterThanOrEqual(32);

    const spa = await rk.applications.create({
      name: 'web',
      type: 'spa',
      redirect_uris: ['https://app.example.com/callback'],
    });
    expect(spa).toMatchObject({ type: 'spa', redirect_uris: ['https://app.example.com/callback'] });
    expect(spa).not.toHaveProperty('client_secret');
    expect(spa.client_id).not.toBe(m2m.client_id);

    // The secret is shown once: get answers without it.
    const fetched = await rk.applications.get(m2m.id);
    expect(fetched).not.toHaveProperty('client_secret');
    const { client_secret: _secret, ...withoutSecret } = m2m;
    expect(fetched).toEqual(withoutSecret);
  });

  it("reads and sets an application's grant_types and token_endpoint_auth_method (RFC 7591)", async () => {
    const app = await rk.applications.create({
      name: 'batch',
      type: 'm2m',
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect(app).toMatchObject({
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    await expect(tokenOf(app.client_id, app.client_secret!)).resolves.toEqual(expect.any(String));

    const paused = await rk.applications.update(app.id, { grant_types: [] });
    expect(paused.grant_types).toEqual([]);
    await expect(tokenOf(app.client_id, app.client_secret!)).rejects.toThrow(/unauthorized_client|may not use/);

    await expect(rk.applications.update(app.id, { token_endpoint_auth_method: 'none' })).rejects.toBeInstanceOf(
      UnprocessableEntityError,
    );
  });

  it('updates, lists, searches and deletes', async () => {
    const app = await rk.applications.create({ name: 'portal', type: 'traditional' });
    expect(app.client_secret).toEqual(expect.any(String));
    const updated = await rk.applications.update(app.id, {
      name: 'portal (prod)',
      description: 'Customer portal',
      redirect_uris: ['https://portal.example.com/cb', 'http://localhost:3000/cb'],
    });
    expect(updated).toMatchObject({
      id: app.id,
      name: 'portal (prod)',
      description: 'Customer portal',
      type: 'traditional',
      client_id: app.client_id,
      redirect_uris: ['https://portal.example.com/cb', 'http://localhost:3000/cb'],
    });
    expect(await rk.applications.get(app.id)).toEqual(updated);

    const found = await rk.applications.list({ search: 'customer portal' });
    expect(found.data.map((a) => a.id)).toEqual([app.id]);
    expect(found.meta).toEqual({ current_page: 1, per_page: 20, total: 1 });
    const byClientId = await rk.applications.list({ search: app.client_id });
    expect(byClientId.data.map((a) => a.id)).toEqual([app.id]);

    const ids: string[] = [];
    for await (const a of rk.applications.list({ per_page: 1 })) ids.push(a.id);
    expect(ids).toContain(app.id);
    expect(new Set(ids).size).toBe(ids.length);

    const bad = await rk.applications
      .update(app.id, { redirect_uris: ['http://portal.example.com/cb'] })
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(UnprocessableEntityError);
    expect(bad).toMatchObject({ status: 422, details: [{ path: 'redirect_uris.0' }] });

    await rk.applications.delete(app.id);
    await expect(rk.applications.get(app.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(rk.applications.delete(app.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rotates the secret: the new one works, the old one stops at once or after a grace period; public types have none', async () => {
    const app = await rk.applications.create({ name: 'rotating', type: 'm2m' });
    const oldSecret = app.client_secret!;
    await expect(tokenOf(app.client_id, oldSecret)).resolves.toEqual(expect.any(String));

    const rotated = await rk.applications.rotateSecret(app.id);
    expect(rotated).toMatchObject({ id: app.id, client_id: app.client_id, type: 'm2m' });
    expect(rotated.client_secret).toEqual(expect.any(String));
    expect(rotated.client_secret).not.toBe(oldSecret);

    await expect(tokenOf(app.client_id, rotated.client_secret)).resolves.toEqual(expect.any(String));
    const refused = await tokenOf(app.client_id, oldSecret).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toMatchObject({ status: 401, error: 'invalid_client' });

    const graced = await rk.applications.rotateSecret(app.id, { grace_period_seconds: 600 });
    expect(Date.parse(graced.previous_client_secret_expires_at)).toBeGreaterThan(Date.parse(graced.updated_at));
    await expect(tokenOf(app.client_id, rotated.client_secret)).resolves.toEqual(expect.any(String));
    await expect(tokenOf(app.client_id, graced.client_secret)).resolves.toEqual(expect.any(String));

    const spa = await rk.applications.create({ name: 'public', type: 'spa' });
    const noSecret = await rk.applications.rotateSecret(spa.id).catch((error: unknown) => error);
    expect(noSecret).toBeInstanceOf(UnprocessableEntityError);
    expect(noSecret).toMatchObject({ status: 422, error: 'validation_failed' });
  });

  it('assigns, lists and removes the roles of an m2m application', async () => {
    const app = await rk.applications.create({ name: 'reporting', type: 'm2m' });
    const viewer = await rk.roles.create({ name: 'app-viewer' });
    const auditor = await rk.roles.create({ name: 'app-auditor', description: 'Reads audit data' });
    expect((await rk.applications.roles.list(app.id)).data).toEqual([]);

    await rk.applications.roles.assign(app.id, [viewer.id, auditor.id]);
    // Assigning again is fine.
    await rk.applications.roles.assign(app.id, [viewer.id]);
    const roles = await rk.applications.roles.list(app.id);
    expect(roles.data.map((r) => r.name)).toEqual(['app-auditor', 'app-viewer']);
    expect(roles.meta.total).toBe(2);
    expect(roles.data[0]).toEqual(auditor);
    expect((await rk.applications.roles.list(app.id, { search: 'audit' })).data.map((r) => r.id)).toEqual([auditor.id]);

    await rk.applications.roles.remove(app.id, viewer.id);
    expect((await rk.applications.roles.list(app.id)).data.map((r) => r.id)).toEqual([auditor.id]);
    const notAssigned = await rk.applications.roles.remove(app.id, viewer.id).catch((error: unknown) => error);
    expect(notAssigned).toBeInstanceOf(NotFoundError);
    expect(notAssigned).toMatchObject({ status: 404, error: 'not_found' });

    // All or nothing: an unknown id assigns none and is named.
    const unknownId = '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20';
    const unknown = await rk.applications.roles.assign(app.id, [viewer.id, unknownId]).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(UnprocessableEntityError);
    expect(unknown).toMatchObject({ status: 422, details: [{ path: 'role_ids.1' }] });
    expect((await rk.applications.roles.list(app.id)).data.map((r) => r.id)).toEqual([auditor.id]);

    const spa = await rk.applications.create({ name: 'no-roles', type: 'spa' });
    await expect(rk.applications.roles.assign(spa.id, [viewer.id])).rejects.toBeInstanceOf(UnprocessableEntityError);
  });

  it('trusts, lists, gets and stops trusting the workload identities of a private_key_jwt application', async () => {
    const app = await rk.applications.create({
      name: 'deployer',
      type: 'm2m',
      token_endpoint_auth_method: 'private_key_jwt',
    });
    const credentials = rk.applications.federatedCredentials;
    const github = await credentials.create(app.id, {
      name: 'github-deploy',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:acme/billing:environment:production',
    });
    expect(github).toMatchObject({
      name: 'github-deploy',
      description: null,
      audiences: [`${baseUrl}/oauth2/${realm}`],
      jwks_uri: null,
    });
    const cluster = await credentials.create(app.id, {
      name: 'cluster',
      issuer: 'https://kubernetes.example.com',
      subject: 'system:serviceaccount:billing:worker',
      audiences: ['realmkit'],
      jwks_uri: 'https://kubernetes.example.com/openid/v1/jwks',
    });
    expect(await credentials.get(app.id, cluster.id)).toEqual(cluster);

    const listed = await credentials.list(app.id);
    expect(listed.data).toEqual([cluster, github]);
    expect(listed.meta.total).toBe(2);
    expect((await credentials.list(app.id, { search: 'serviceaccount' })).data).toEqual([cluster]);
    const ids: string[] = [];
    for await (const credential of credentials.list(app.id, { per_page: 1 })) ids.push(credential.id);
    expect(ids).toEqual([cluster.id, github.id]);

    const duplicate = await credentials
      .create(app.id, { name: 'again', issuer: github.issuer, subject: github.subject })
      .catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate).toMatchObject({ status: 409, details: [{ path: 'subject' }] });

    const withSecret = await rk.applications.create({ name: 'secretive', type: 'm2m' });
    const refused = await credentials
      .create(withSecret.id, { name: 'nope', issuer: github.issuer, subject: 'x' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UnprocessableEntityError);
    expect(refused).toMatchObject({ status: 422, error: 'validation_failed' });

    await credentials.delete(app.id, github.id);
    await expect(credentials.get(app.id, github.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await credentials.list(app.id)).data).toEqual([cluster]);
  });
});
