import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import { targetRealm } from '../http/bearer-auth.ts';
import { presentSigningKey } from '../oauth/signing-key.presenter.ts';
import type { RealmService } from './realm.service.ts';

/** `/api/v1/realms/{realm}/keys`: master-realm tokens only (enforced from the contract's metadata). */
export function realmKeysRoutes(realms: RealmService) {
  return initServer().router(contract.signingKeys, {
    listKeys: async ({ res }) => ({
      status: 200,
      body: { data: (await realms.listKeys(targetRealm(res).id)).map(presentSigningKey) },
    }),
    rotateKeys: async ({ body, res }) => ({
      status: 200,
      body: { data: (await realms.rotateKeys(targetRealm(res).id, body?.algorithm)).map(presentSigningKey) },
    }),
  });
}
