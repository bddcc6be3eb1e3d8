import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientCredentials, RateLimitError, type Realmkit } from '../src/index.ts';
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

/** Through a proxy that answers the first user create 429 `Retry-After: 1` itself. */
async function rateLimitingProxy() {
  const proxy = await faultyProxy(
    baseUrl,
    once(({ method, path }) => method === 'POST' && path.endsWith('/users'), {
      answer: 429,
      headers: { 'retry-after': '1' },
    }),
  );
  proxies.push(proxy);
  return proxy;
}

async function usersWithEmail(email: string) {
  return (await admin.users.list({ search: email })).data.filter((user) => user.email === email).map((user) => user.id);
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

  it('without a key of the caller’s, the SDK’s own: the lost POST is retried and creates exactly one user', async () => {
    const { proxy, rk } = await throughLossyProxy();
    const email = `lost-${randomUUID()}@example.com`;

    const created = await rk.users.create({ email });

    const posts = proxy.forwarded
      .filter((f) => f.method === 'POST' && f.path.endsWith('/users'))
      .map(({ headers, status, replayed, lost }) => ({ key: headers['idempotency-key'], status, replayed, lost }));
    const key = posts[0]?.key;
    expect(key).toEqual(expect.any(String));
    expect(posts).toEqual([
      { key, status: 201, replayed: undefined, lost: true },
      { key, status: 201, replayed: 'true', lost: false },
    ]);
    expect(await usersWithEmail(email)).toEqual([created.id]);
  });

  it('a create answered 429 with Retry-After (by the proxy, before the server) is sent again and creates exactly one user', async () => {
    const proxy = await rateLimitingProxy();
    const rk = masterClient({ baseUrl: proxy.url }).forRealm(realm);
    const email = `limited-${randomUUID()}@example.com`;

    const created = await rk.users.create({ email });

    const posts = proxy.forwarded.filter((f) => f.method === 'POST' && f.path.endsWith('/users'));
    const key = posts[0]?.headers['idempotency-key'];
    expect(key).toEqual(expect.any(String));
    expect(posts.map((f) => [f.status, f.headers['idempotency-key']])).toEqual([
      [0, key],
      [201, key],
    ]);
    expect(await usersWithEmail(email)).toEqual([created.id]);
  });

  it('with maxRetries: 0 the 429 is the caller’s: a RateLimitError with retryAfter, nothing created', async () => {
    const proxy = await rateLimitingProxy();
    const rk = masterClient({ baseUrl: proxy.url, maxRetries: 0 }).forRealm(realm);
    const email = `limited-${randomUUID()}@example.com`;

    const error = await rk.users.create({ email }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfter: 1 });
    expect(proxy.forwarded.filter((f) => f.method === 'POST' && f.path.endsWith('/users'))).toHaveLength(1);
    expect(await usersWithEmail(email)).toEqual([]);
  });
});
