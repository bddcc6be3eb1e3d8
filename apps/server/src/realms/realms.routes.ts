import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import { preconditionOf, tagged } from '../http/conditional-requests.ts';
import { listBody } from '../http/list-body.ts';
import { presentRealm } from './realm.presenter.ts';
import type { RealmService } from './realm.service.ts';

/** `/api/v1/realms`: master-realm tokens only (enforced from the contract's metadata). */
export function realmsRoutes(realms: RealmService) {
  return initServer().router(contract.realms, {
    list: async ({ query }) => ({ status: 200, body: listBody(await realms.list(query), presentRealm) }),
    create: async ({ body, res }) => {
      const realm = await realms.create({
        name: body.name,
        displayName: body.display_name,
        signingAlgorithm: body.signing_algorithm,
        requireVerifiedEmail: body.require_verified_email,
        requireDpopNonce: body.require_dpop_nonce,
        passwordPolicy: body.password_policy,
      });
      return { status: 201, body: { data: presentRealm(tagged(res, realm)) } };
    },
    get: async ({ params, res }) => ({
      status: 200,
      body: { data: presentRealm(tagged(res, await realms.get(params.realm))) },
    }),
    update: async ({ params, body, req, res }) => {
      const realm = await realms.update(
        params.realm,
        {
          displayName: body.display_name,
          signingAlgorithm: body.signing_algorithm,
          requireVerifiedEmail: body.require_verified_email,
          requireDpopNonce: body.require_dpop_nonce,
          passwordPolicy: body.password_policy,
        },
        preconditionOf(req),
      );
      return { status: 200, body: { data: presentRealm(tagged(res, realm)) } };
    },
    delete: async ({ params, req }) => {
      await realms.delete(params.realm, preconditionOf(req));
      return { status: 204, body: undefined };
    },
  });
}
