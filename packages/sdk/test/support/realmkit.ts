import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { Realmkit, type RealmkitSettings } from '../../src/index.ts';

/** The test server's URL and its master-realm admin client. */
export const baseUrl = inject('realmkitUrl');
export const adminClient = inject('adminClient');

/** An SDK client of the master realm, holding every management scope. */
export function masterClient(options: Partial<RealmkitSettings> = {}): Realmkit {
  return new Realmkit({ baseUrl, realm: 'master', ...adminClient, ...options });
}

/** A new realm with a unique name (test files never share data), managed by a master client. */
export async function createRealm(prefix: string): Promise<{ name: string; id: string; admin: Realmkit }> {
  const master = masterClient();
  const realm = await master.realms.create({ name: `${prefix}-${randomBytes(4).toString('hex')}` });
  return { name: realm.name, id: realm.id, admin: master.forRealm(realm.name) };
}

/**
 * A fetch that counts the token requests it sends: they are the requests the server receives,
 * so single-flight can be checked without instrumenting the server.
 */
export function countingFetch(): { fetch: typeof fetch; tokenRequests: () => number; requests: () => number } {
  let tokenRequests = 0;
  let requests = 0;
  return {
    fetch: (input, init) => {
      requests++;
      if (String(input instanceof Request ? input.url : input).endsWith('/token')) tokenRequests++;
      return fetch(input, init);
    },
    tokenRequests: () => tokenRequests,
    requests: () => requests,
  };
}
