import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { Realmkit } from '../src/index.ts';
import { createRealm, masterClient } from './support/realmkit.ts';

const PRE_EXISTING = 10;

let realm: string;
let admin: Realmkit;
/** The ids of the users created before any listing, oldest first. */
let preExisting: string[];

beforeAll(async () => {
  ({ name: realm, admin } = await createRealm('sdk-keyset'));
  preExisting = [];
  for (let i = 0; i < PRE_EXISTING; i++)
    preExisting.push((await admin.users.create({ email: `old${i}@example.com` })).id);
});

/**
 * A client of the realm whose fetch records the users-list requests it sends (their query) and,
 * after each list response, creates a user with `admin` before handing the response over: an
 * insert lands between every two pages, the worst case for paging.
 */
function insertingClient(prefix: string): { rk: Realmkit; listQueries: URLSearchParams[]; inserted: string[] } {
  const listQueries: URLSearchParams[] = [];
  const inserted: string[] = [];
  const listPath = `/api/v1/${realm}/users`;
  const rk = masterClient({
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const response = await fetch(input, init);
      if (url.pathname === listPath && (init?.method ?? 'GET') === 'GET') {
        listQueries.push(url.searchParams);
        inserted.push((await admin.users.create({ email: `${prefix}${inserted.length}@example.com` })).id);
      }
      return response;
    },
  }).forRealm(realm);
  return { rk, listQueries, inserted };
}

describe('keyset iteration', () => {
  it('for await follows meta.next_after: every pre-existing user once while users are created meanwhile', async () => {
    const { rk, listQueries, inserted } = insertingClient('between');
    // And another task creating users all along, unsynchronised with the pages.
    let iterating = true;
    const concurrent: string[] = [];
    const creating = (async () => {
      while (iterating)
        concurrent.push((await admin.users.create({ email: `meanwhile${concurrent.length}@example.com` })).id);
    })();

    const seen: string[] = [];
    try {
      for await (const user of rk.users.list({ per_page: 3 })) seen.push(user.id);
    } finally {
      iterating = false;
      await creating;
    }

    expect(new Set(seen).size).toBe(seen.length);
    // Newest first, by keyset: a user created after a page was read is newer than its cursor, so
    // in no page that follows. Before the pre-existing users (each once) come only users the
    // other task created before the first request.
    expect(concurrent.length).toBeGreaterThan(0);
    expect(seen.slice(-PRE_EXISTING)).toEqual([...preExisting].reverse());
    for (const id of seen.slice(0, -PRE_EXISTING)) expect(concurrent).toContain(id);
    expect(seen.filter((id) => inserted.includes(id))).toEqual([]);

    // 3 a page, the last answering next_after null (no request for an empty page after it).
    expect(listQueries).toHaveLength(Math.ceil(seen.length / 3));
    const [first, ...following] = listQueries;
    expect(first?.has('after')).toBe(false);
    expect(first?.has('page')).toBe(false);
    for (const [i, query] of following.entries()) {
      expect(query.has('page')).toBe(false);
      expect(query.get('per_page')).toBe('3');
      expect(query.get('after')).toBe(seen[3 * (i + 1) - 1]);
    }
  });

  it('keeps the query (search) across keyset pages, and starts after a page asked by number', async () => {
    const { rk, listQueries } = insertingClient('fresh');
    const seen: string[] = [];
    // `search` matches the pre-existing users and none of those inserted between pages.
    for await (const user of rk.users.list({ per_page: 4, page: 2, search: 'old' })) seen.push(user.email);
    expect(seen).toEqual(
      [...Array(PRE_EXISTING).keys()]
        .reverse()
        .slice(4)
        .map((i) => `old${i}@example.com`),
    );
    expect(listQueries.map((query) => Object.fromEntries(query))).toEqual([
      { per_page: '4', page: '2', search: 'old' },
      { per_page: '4', search: 'old', after: expect.any(String) },
    ]);
  });

  it('getNextPage() pages by number: an insert between pages shifts them', async () => {
    const { rk, listQueries } = insertingClient('shift');
    const first = await rk.users.list({ per_page: 3 });
    expect(first.meta.next_after).toBe(first.data.at(-1)?.id);
    expectTypeOf(first.meta.next_after).toEqualTypeOf<string | null>();
    const second = await first.getNextPage();
    expect(listQueries.map((query) => Object.fromEntries(query))).toEqual([
      { per_page: '3' },
      { per_page: '3', page: '2' },
    ]);
    // The user created after the first page pushed its last user onto the second.
    expect(second.data[0]?.id).toBe(first.data.at(-1)?.id);
  });

  it('hasNextPage() follows meta.next_after exactly on a page that starts after a cursor', async () => {
    const oldest = preExisting.slice(0, 3); // the three oldest: the last items, newest first
    const page = await admin.users.list({ per_page: 3, after: preExisting[3]! });
    expect(page.data.map((user) => user.id)).toEqual([...oldest].reverse());
    // The count (current_page * per_page < total) would say more follow; the cursor says none do.
    expect(page.meta.total).toBeGreaterThan(3);
    expect(page.meta.next_after).toBeNull();
    expect(page.hasNextPage()).toBe(false);
  });

  it('iterates by number the lists that do not take after', async () => {
    const roles = await admin.roles.list({ per_page: 1 });
    expect(roles.meta).not.toHaveProperty('next_after');
    for (let i = 0; i < 3; i++) await admin.roles.create({ name: `keyset-role-${i}` });
    const names: string[] = [];
    for await (const role of admin.roles.list({ per_page: 2, search: 'keyset-role' })) names.push(role.name);
    expect(names.sort()).toEqual(['keyset-role-0', 'keyset-role-1', 'keyset-role-2']);
  });
});
