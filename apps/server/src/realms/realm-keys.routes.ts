import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import { targetRealm } from '../http/bearer-auth.ts';
import { preconditionOf, tagged } from '../http/conditional-requests.ts';
import { presentSigningKey } from '../keys/signing-key.presenter.ts';
import type { RealmService } from './realm.service.ts';

/** `/api/v1/realms/{realm}/keys`: master-realm tokens only (enforced from the contract's metadata). */
export function realmKeysRoutes(realms: RealmService) {
  return initServer().router(contract.signingKeys, {
    listKeys: async ({ res }) => ({
      status: 200,
      body: { data: (await realms.listKeys(targetRealm(res).id)).map(presentSigningKey) },
    }),
    // A rotation is a change of the realm: `If-Match` is compared with the realm's ETag, and the
    // answer carries the realm's new one.
    rotateKeys: async ({ body, req, res }) => {
      const { realm, keys } = await realms.rotateKeys(targetRealm(res).id, body?.algorithm, preconditionOf(req));
      tagged(res, realm);
      return { status: 200, body: { data: keys.map(presentSigningKey) } };
    },
  });
}
