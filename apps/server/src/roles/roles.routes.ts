import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import { targetRealm } from '../http/bearer-auth.ts';
import { preconditionOf, tagged } from '../http/conditional-requests.ts';
import { listBody } from '../http/list-body.ts';
import { presentRole, presentRoleScope } from './role.presenter.ts';
import type { RoleService } from './role.service.ts';

/** `/api/v1/{realm}/roles`: thin handlers over {@link RoleService}. */
export function rolesRoutes(roles: RoleService) {
  return initServer().router(contract.roles, {
    list: async ({ query, res }) => ({
      status: 200,
      body: listBody(await roles.list(targetRealm(res).id, query), presentRole),
    }),
    create: async ({ body, res }) => ({
      status: 201,
      body: { data: presentRole(tagged(res, await roles.create(targetRealm(res).id, body))) },
    }),
    get: async ({ params, res }) => ({
      status: 200,
      body: { data: presentRole(tagged(res, await roles.get(targetRealm(res).id, params.id))) },
    }),
    update: async ({ params, body, req, res }) => ({
      status: 200,
      body: {
        data: presentRole(tagged(res, await roles.update(targetRealm(res).id, params.id, body, preconditionOf(req)))),
      },
    }),
    delete: async ({ params, req, res }) => {
      await roles.delete(targetRealm(res).id, params.id, preconditionOf(req));
      return { status: 204, body: undefined };
    },
    listScopes: async ({ params, query, res }) => ({
      status: 200,
      body: listBody(await roles.listScopes(targetRealm(res).id, params.id, query), presentRoleScope),
    }),
    assignScopes: async ({ params, body, res }) => {
      await roles.assignScopes(targetRealm(res).id, params.id, body.scope_ids);
      return { status: 204, body: undefined };
    },
    removeScope: async ({ params, res }) => {
      await roles.removeScope(targetRealm(res).id, params.id, params.scopeId);
      return { status: 204, body: undefined };
    },
  });
}
