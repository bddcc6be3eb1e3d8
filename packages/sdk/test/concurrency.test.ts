import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  APIError,
  APIPromise,
  type APIResponse,
  NotModifiedError,
  PreconditionFailedError,
  type Realmkit,
  type User,
} from '../src/index.ts';
import { type Fault, type FaultyProxy, faultyProxy, once } from './support/proxy.ts';
import { baseUrl, countingFetch, createRealm, masterClient } from './support/realmkit.ts';

let realm: string;
let rk: Realmkit;
const proxies: FaultyProxy[] = [];

beforeAll(async () => {
  ({ name: realm, admin: rk } = await createRealm('sdk-etag'));
});
afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

const ENTITY_TAG = /^"[\w-]+"$/;

function newUser(): Promise<User> {
  return rk.users.create({ email: `${randomUUID()}@example.com`, name: 'Jane Doe' });
}

/** What a promise rejected with (fails the test if it resolved). */
function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('APIPromise and withResponse', () => {
  it('withResponse gives the data with status, headers, ETag and X-Request-Id; one request however it is read', async () => {
    const counting = countingFetch();
    const client = masterClient({ fetch: counting.fetch }).forRealm(realm);
    const user = await client.users.create({ email: `${randomUUID()}@example.com` });
    const before = counting.requests();

    const promise = client.users.get(user.id);
    const { data, response } = await promise.withResponse();
    expect(data).toEqual(user);
    expect(response.status).toBe(200);
    expect(response.headers).toBeInstanceOf(Headers);
    expect(response.etag).toMatch(ENTITY_TAG);
    expect(response.etag).toBe(response.headers.get('etag'));
    expect(response.requestId).toEqual(expect.any(String));
    expect(response.requestId).toBe(response.headers.get('x-request-id'));
    // Awaited after withResponse, and withResponse again: the same answer, not another request.
    expect(await promise).toEqual(user);
    expect((await promise.withResponse()).response).toBe(response);
    expect(counting.requests() - before).toBe(1);
  });

  it('is a Promise: await, then, catch and finally read the result, and errors reject them all', async () => {
    const user = await newUser();
    const promise = rk.users.get(user.id);
    expect(promise).toBeInstanceOf(APIPromise);
    expect(promise).toBeInstanceOf(Promise);
    expect(await promise.then((u) => u.email)).toBe(user.email);
    expect(await promise.catch(() => 'unreachable')).toEqual(user);
    let settled = false;
    expect(
      await promise.finally(() => {
        settled = true;
      }),
    ).toEqual(user);
    expect(settled).toBe(true);
    expect(await Promise.all([promise])).toEqual([user]);

    const missing = rk.users.get(randomUUID());
    await expect(missing).rejects.toMatchObject({ status: 404 });
    await expect(missing.withResponse()).rejects.toMatchObject({ status: 404 });
    expect(await missing.catch((error) => (error as APIError).error)).toBe('not_found');
  });

  it('a create answers the tag the next GET gives; a 204 has none', async () => {
    const created = await rk.roles.create({ name: `role-${randomUUID()}` }).withResponse();
    expect(created.response.status).toBe(201);
    expect(created.response.etag).toMatch(ENTITY_TAG);
    expect((await rk.roles.get(created.data.id).withResponse()).response.etag).toBe(created.response.etag);

    const deleted = await rk.roles.delete(created.data.id).withResponse();
    expect(deleted).toEqual({ data: undefined, response: expect.objectContaining({ status: 204, etag: null }) });
    expect(deleted.response.requestId).toEqual(expect.any(String));
  });

  it('method types are APIPromises of the resource', () => {
    expectTypeOf(rk.users.get).returns.toEqualTypeOf<APIPromise<User>>();
    expectTypeOf(rk.users.delete).returns.toEqualTypeOf<APIPromise<void>>();
    expectTypeOf<Awaited<ReturnType<APIPromise<User>['withResponse']>>>().toEqualTypeOf<{
      data: User;
      response: APIResponse;
    }>();
  });
});

describe('ifMatch', () => {
  it('an update with a stale ETag is a PreconditionFailedError, and changes nothing', async () => {
    const user = await newUser();
    const { response: read } = await rk.users.get(user.id).withResponse();
    await rk.users.update(user.id, { name: 'Someone Else' }); // the tag moves

    const error = await rejection(rk.users.update(user.id, { name: 'Jane Smith' }, { ifMatch: read.etag! }));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({
      name: 'PreconditionFailedError',
      status: 412,
      error: 'precondition_failed',
      requestId: expect.any(String),
    });
    expect((await rk.users.get(user.id)).name).toBe('Someone Else');
  });

  it('an update with the current ETag succeeds and answers the new one, which the next GET gives', async () => {
    const user = await newUser();
    const { response: read } = await rk.users.get(user.id).withResponse();
    const updated = await rk.users.update(user.id, { name: 'Jane Smith' }, { ifMatch: read.etag! }).withResponse();
    expect(updated.data.name).toBe('Jane Smith');
    expect(updated.response.etag).toMatch(ENTITY_TAG);
    expect(updated.response.etag).not.toBe(read.etag);
    expect((await rk.users.get(user.id).withResponse()).response.etag).toBe(updated.response.etag);
    // The tag read before is stale now.
    await expect(rk.users.update(user.id, { name: 'Jane' }, { ifMatch: read.etag! })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });

  it('a delete with a stale ETag is refused, with the current one done', async () => {
    const user = await newUser();
    const { response: read } = await rk.users.get(user.id).withResponse();
    const { response: changed } = await rk.users.update(user.id, { name: 'Changed' }).withResponse();
    await expect(rk.users.delete(user.id, { ifMatch: read.etag! })).rejects.toBeInstanceOf(PreconditionFailedError);
    await rk.users.delete(user.id, { ifMatch: changed.etag! });
    await expect(rk.users.get(user.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('ifNoneMatch', () => {
  it('a GET whose tag is still current is a NotModifiedError (304, no body), from await and withResponse', async () => {
    const user = await newUser();
    const { response: read } = await rk.users.get(user.id).withResponse();

    const conditional = rk.users.get(user.id, { ifNoneMatch: read.etag! });
    const error = await rejection(conditional);
    expect(error).toBeInstanceOf(NotModifiedError);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ name: 'NotModifiedError', status: 304, error: 'not_modified' });
    expect((error as NotModifiedError).headers.get('etag')).toBe(read.etag);
    expect((error as NotModifiedError).requestId).toEqual(expect.any(String));
    expect(await rejection(conditional.withResponse())).toBe(error);
  });

  it('a GET whose tag is stale gets the resource and its new tag', async () => {
    const user = await newUser();
    const { response: read } = await rk.users.get(user.id).withResponse();
    await rk.users.update(user.id, { name: 'Jane Smith' });
    const { data, response } = await rk.users.get(user.id, { ifNoneMatch: read.etag! }).withResponse();
    expect(response.status).toBe(200);
    expect(data.name).toBe('Jane Smith');
    expect(response.etag).not.toBe(read.etag);
  });
});

describe('a PATCH with ifMatch is retried, and never loses an update', () => {
  const isPatch = ({ method, path }: { method: string; path: string }) =>
    method === 'PATCH' && path.startsWith('/api/');

  async function through(fault: Fault) {
    const proxy = await faultyProxy(baseUrl, once(isPatch, fault));
    proxies.push(proxy);
    const patches = () =>
      proxy.forwarded
        .filter((f) => f.method === 'PATCH')
        .map(({ headers, status, lost }) => ({ ifMatch: headers['if-match'], status, lost }));
    return { rk: masterClient({ baseUrl: proxy.url }).forRealm(realm), patches };
  }

  it('after a 503 the server never saw: the retry, with the same tag, is the update', async () => {
    const user = await newUser();
    const { response: read } = await rk.users.get(user.id).withResponse();
    const { rk: client, patches } = await through({ answer: 503 });

    const { data, response } = await client.users
      .update(user.id, { name: 'Jane Smith' }, { ifMatch: read.etag! })
      .withResponse();
    expect(data.name).toBe('Jane Smith');
    expect(response.etag).not.toBe(read.etag);
    expect(patches()).toEqual([
      { ifMatch: read.etag, status: 0, lost: false },
      { ifMatch: read.etag, status: 200, lost: false },
    ]);
  });

  /** Loses the answer to the first PATCH, once the server did it and another writer changed the user after it. */
  const lostWhileSomeoneWrites = (userId: string) =>
    through({
      lose: true,
      meanwhile: async () => {
        await rk.users.update(userId, { name: 'Written Meanwhile' });
      },
    });

  it('after an answer lost while someone else wrote: the retry gets 412, and the other write stands', async () => {
    const user = await newUser();
    const { response: read } = await rk.users.get(user.id).withResponse();
    const { rk: client, patches } = await lostWhileSomeoneWrites(user.id);

    const error = await rejection(client.users.update(user.id, { name: 'Jane Smith' }, { ifMatch: read.etag! }));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(patches()).toEqual([
      { ifMatch: read.etag, status: 200, lost: true },
      { ifMatch: read.etag, status: 412, lost: false },
    ]);
    expect((await rk.users.get(user.id)).name).toBe('Written Meanwhile');
  });

  it('for contrast, the same retry without ifMatch (made retryable by a key) writes over the other write', async () => {
    const user = await newUser();
    const { rk: client, patches } = await lostWhileSomeoneWrites(user.id);
    // The server ignores Idempotency-Key on a PATCH (decision 0012): the retry runs again.
    await client.users.update(user.id, { name: 'Jane Smith' }, { idempotencyKey: randomUUID() });
    expect(patches().map(({ status, lost }) => ({ status, lost }))).toEqual([
      { status: 200, lost: true },
      { status: 200, lost: false },
    ]);
    expect((await rk.users.get(user.id)).name).toBe('Jane Smith'); // 'Written Meanwhile' is lost
  });
});
