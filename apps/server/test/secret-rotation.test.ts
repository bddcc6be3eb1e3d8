import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationEntity } from '../src/applications/application.entity.ts';
import { TestClock } from './support/test-clock.ts';
import { type ClientCredentials, startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: TestRealm;
/** The server's clock: moved past a grace period instead of sleeping through it. */
const clock = new TestClock();

beforeAll(async () => {
  ({ server, admin, realm } = await startWithRealms('secret-grace', { start: { clock: clock.now } }));
});
afterAll(() => server?.close());

const rotatePath = (id: string) => `/api/v1/${realm.name}/applications/${id}/secret`;

async function tokenStatus(clientId: string, clientSecret: string): Promise<number> {
  const response = await server.call('POST', `/oauth2/${realm.name}/token`, {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
  });
  if (response.status === 401) expect(response.body.error).toBe('invalid_client');
  return response.status;
}

async function rotate(client: ClientCredentials & { applicationId: string }, json?: object) {
  const before = clock.now();
  const data = await server.expectCall(200, 'POST', rotatePath(client.applicationId), {
    token: admin,
    ...(json ? { json } : {}),
  });
  return { data, before, after: clock.now() };
}

describe('client secret rotation with a grace period', () => {
  it('without one (the default), the old secret dies at once and the response says so', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const { data, before, after } = await rotate(client);
    const expiresAt = Date.parse(data.previous_client_secret_expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before - 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + 1000);
    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(401);
    expect(await tokenStatus(client.clientId, data.client_secret)).toBe(200);

    const explicitZero = await rotate({ ...client, clientSecret: data.client_secret }, { grace_period_seconds: 0 });
    expect(await tokenStatus(client.clientId, data.client_secret)).toBe(401);
    expect(await tokenStatus(client.clientId, explicitZero.data.client_secret)).toBe(200);
  });

  it('during the grace period both secrets authenticate; after it, only the new one', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const { data, before, after } = await rotate(client, { grace_period_seconds: 3600 });
    expect(data).toMatchObject({ id: client.applicationId, client_id: client.clientId });
    const expiresAt = Date.parse(data.previous_client_secret_expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + 3600_000 + 1000);

    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(200);
    expect(await tokenStatus(client.clientId, data.client_secret)).toBe(200);
    clock.advanceTo(expiresAt - 1000);
    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(200);

    clock.advanceTo(expiresAt + 1000);
    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(401);
    expect(await tokenStatus(client.clientId, data.client_secret)).toBe(200);
    admin = await server.masterToken(); // the clock moved past the hour the first one lived
  });

  it('keeps one previous secret: a second rotation ends the first grace at once', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const first = await rotate(client, { grace_period_seconds: 600 });
    const second = await rotate({ ...client, clientSecret: first.data.client_secret }, { grace_period_seconds: 600 });
    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(401);
    expect(await tokenStatus(client.clientId, first.data.client_secret)).toBe(200);
    expect(await tokenStatus(client.clientId, second.data.client_secret)).toBe(200);
  });

  it('stores the previous secret as a keyed hash, never in the clear, and never shows either', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    const { data } = await rotate(client, { grace_period_seconds: 60 });
    const row = await server.services.orm.em.fork().findOneOrFail(ApplicationEntity, { id: client.applicationId });
    expect(row.previousClientSecretHash).toEqual(expect.any(String));
    expect(row.previousClientSecretHash).not.toContain(client.clientSecret);
    expect(row.clientSecretHash).not.toContain(data.client_secret);
    const fetched = await server.expectCall(200, 'GET', `/api/v1/${realm.name}/applications/${client.applicationId}`, {
      token: admin,
    });
    // No secret or hash by any name, nor their values (`client_secret_basic` is the auth method's name).
    const shown = JSON.stringify(fetched);
    expect(shown).not.toMatch(/"[a-z_]*secret[a-z_]*":/);
    for (const hidden of [
      client.clientSecret,
      data.client_secret,
      row.clientSecretHash,
      row.previousClientSecretHash,
    ]) {
      expect(shown).not.toContain(hidden);
    }
  });

  it('400 for a grace period outside 0..604800 s, not an integer, or an unknown field; nothing rotates', async () => {
    const client = await server.createRealmClient(realm.name, ['users:read']);
    for (const json of [
      { grace_period_seconds: -1 },
      { grace_period_seconds: 604_801 },
      { grace_period_seconds: 1.5 },
      { grace_period_seconds: '60' },
      { grace_period_seconds: 60, keep_old: true },
    ]) {
      const response = await server.call('POST', rotatePath(client.applicationId), { token: admin, json });
      expect(response.status, JSON.stringify(json)).toBe(400);
      expect(response.body.error).toBe('invalid_request');
    }
    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(200);
    const longest = await rotate(client, { grace_period_seconds: 604_800 });
    expect(Date.parse(longest.data.previous_client_secret_expires_at)).toBeGreaterThanOrEqual(
      longest.before + 604_800_000 - 1000,
    );
  });
});
