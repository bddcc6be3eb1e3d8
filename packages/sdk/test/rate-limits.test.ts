import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Realmkit } from '../src/index.ts';
import { ADMIN, type RealmkitProcess, startRealmkit } from './support/server-process.ts';

/**
 * Against a server of this file's own, with the server's default rate limits (the suite's server
 * has them off): one client that asks more than its quota gets 429s with `Retry-After`, and the
 * SDK waits them out instead of handing them to the caller.
 */

const CREATES = 500;
const CONCURRENT_READS = 200;

let server: RealmkitProcess | undefined;
let rk: Realmkit;
/** The status of every answer the client got, retries included. */
const statuses: number[] = [];
const ids: string[] = [];

/** A fetch that records the status of each answer. */
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  statuses.push(response.status);
  return response;
};

function countAndReset(status: number): number {
  const count = statuses.filter((s) => s === status).length;
  statuses.length = 0;
  return count;
}

beforeAll(async () => {
  server = await startRealmkit('limits');
  const master = new Realmkit({ baseUrl: server.url, realm: 'master', ...ADMIN, fetch: recordingFetch });
  const realm = await master.realms.create({ name: `sdk-limits-${randomBytes(4).toString('hex')}` });
  rk = master.forRealm(realm.name);
});
afterAll(async () => {
  await server?.stop();
});

describe('with the default rate limits, one client', () => {
  it(`creates ${CREATES} users in a loop without an error, each exactly once`, { timeout: 180_000 }, async () => {
    countAndReset(429);
    for (let i = 0; i < CREATES; i++) {
      ids.push((await rk.users.create({ email: `loop-${i}@example.com` })).id);
    }
    const rateLimited = countAndReset(429);
    console.info(`${CREATES} creates: ${rateLimited} answers were 429s, waited out`);
    expect(new Set(ids).size).toBe(CREATES);
    expect((await rk.users.list({ per_page: 1 })).meta.total).toBe(CREATES);
  });

  it(`reads ${CONCURRENT_READS} users at once without an error, waiting out the 429s`, {
    timeout: 120_000,
  }, async () => {
    const wanted = ids.slice(0, CONCURRENT_READS);
    expect(wanted).toHaveLength(CONCURRENT_READS);
    countAndReset(429);
    const users = await Promise.all(wanted.map((id) => rk.users.get(id)));
    expect(users.map((user) => user.id)).toEqual(wanted);
    // More than the quota at once: the server did refuse some, so the SDK did wait.
    expect(countAndReset(429)).toBeGreaterThan(0);
  });
});
