import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIConnectionError, ClientCredentials, type Realmkit } from '../src/index.ts';
import { faultyProxy, once } from './support/proxy.ts';
import { baseUrl, createRealm, masterClient } from './support/realmkit.ts';

let realm: string;
let admin: Realmkit;
const proxies: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  ({ name: realm, admin } = await createRealm('sdk-idem'));
});
afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

/**
 * Through a proxy that loses the answer to the first Management API POST: the server does the
 * work, the client sees its connection drop. This is the failure `Idempotency-Key` exists for.
 */
async function throughLossyProxy() {
  const proxy = await faultyProxy(
    baseUrl,
    once(({ method, path }) => method === 'POST' && path.startsWith('/api/'), { lose: true }),
  );
  proxies.push(proxy);
  return { proxy, rk: masterClient({ baseUrl: proxy.url }).forRealm(realm) };
}

async function applicationsNamed(name: string) {
  return (await admin.applications.list({ search: name })).data.filter((app) => app.name === name);
}

describe('idempotencyKey against the real server', () => {
  it('a POST whose response was lost is retried with its key, and creates exactly one application', async () => {
    const { proxy, rk } = await throughLossyProxy();
    const name = `lost-answer-${randomUUID()}`;
    const key = randomUUID();

    const created = await rk.applications.create({ name, type: 'm2m' }, { idempotencyKey: key });

    const posts = proxy.forwarded
      .filter((f) => f.method === 'POST' && f.path.endsWith('/applications'))
      .map(({ headers, status, replayed, lost }) => ({ key: headers['idempotency-key'], status, replayed, lost }));
    expect(posts).toEqual([
      { key, status: 201, replayed: undefined, lost: true },
      { key, status: 201, replayed: 'true', lost: false },
    ]);
    const stored = await applicationsNamed(name);
    expect(stored.map((app) => app.id)).toEqual([created.id]);
    // The secret shown once reached the caller after all: it is the real one.
    const token = await new ClientCredentials({
      baseUrl,
      realm,
      clientId: created.client_id,
      clientSecret: created.client_secret as string,
      maxRetries: 0,
    }).getToken();
    expect(token).toEqual(expect.any(String));
  });

  it('without a key the SDK does not retry that POST: the caller gets the error, and the server did create it', async () => {
    const { proxy, rk } = await throughLossyProxy();
    const name = `lost-answer-no-key-${randomUUID()}`;
    await expect(rk.applications.create({ name, type: 'spa' })).rejects.toBeInstanceOf(APIConnectionError);
    expect(proxy.forwarded.filter((f) => f.method === 'POST' && f.path.endsWith('/applications'))).toHaveLength(1);
    expect(await applicationsNamed(name)).toHaveLength(1);
  });
});
