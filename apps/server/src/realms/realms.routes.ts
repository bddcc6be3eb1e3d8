import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import { listBody } from '../http/list-body.ts';
import { presentRealm } from './realm.presenter.ts';
import type { RealmService } from './realm.service.ts';

/** `/api/v1/realms`: master-realm tokens only (enforced from the contract's metadata). */
export function realmsRoutes(realms: RealmService) {
  return initServer().router(contract.realms, {
    list: async ({ query }) => ({ status: 200, body: listBody(await realms.list(query), presentRealm) }),
    create: async ({ body }) => ({
      status: 201,
      body: {
        data: presentRealm(
          await realms.create({
            name: body.name,
            displayName: body.display_name,
            signingAlgorithm: body.signing_algorithm,
          }),
        ),
      },
    }),
    get: async ({ params }) => ({ status: 200, body: { data: presentRealm(await realms.get(params.realm)) } }),
    update: async ({ params, body }) => ({
      status: 200,
      body: {
        data: presentRealm(
          await realms.update(params.realm, {
            displayName: body.display_name,
            signingAlgorithm: body.signing_algorithm,
          }),
        ),
      },
    }),
    delete: async ({ params }) => {
      await realms.delete(params.realm);
      return { status: 204, body: undefined };
    },
  });
}
