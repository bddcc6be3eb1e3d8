import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import { targetRealm } from '../http/bearer-auth.ts';
import { preconditionOf, tagged } from '../http/conditional-requests.ts';
import { listBody } from '../http/list-body.ts';
import { presentResource, presentScope } from './resource.presenter.ts';
import type { ResourceService } from './resource.service.ts';

/** `/api/v1/{realm}/resources`: thin handlers over {@link ResourceService}. */
export function resourcesRoutes(resources: ResourceService) {
  return initServer().router(contract.resources, {
    list: async ({ query, res }) => ({
      status: 200,
      body: listBody(await resources.list(targetRealm(res).id, query), presentResource),
    }),
    create: async ({ body, res }) => ({
      status: 201,
      body: { data: presentResource(tagged(res, await resources.create(targetRealm(res).id, body))) },
    }),
    get: async ({ params, res }) => ({
      status: 200,
      body: { data: presentResource(tagged(res, await resources.get(targetRealm(res).id, params.id))) },
    }),
    update: async ({ params, body, req, res }) => {
      const resource = await resources.update(targetRealm(res).id, params.id, body, preconditionOf(req));
      return { status: 200, body: { data: presentResource(tagged(res, resource)) } };
    },
    delete: async ({ params, req, res }) => {
      await resources.delete(targetRealm(res).id, params.id, preconditionOf(req));
      return { status: 204, body: undefined };
    },
    listScopes: async ({ params, query, res }) => ({
      status: 200,
      body: listBody(await resources.listScopes(targetRealm(res).id, params.id, query), presentScope),
    }),
    createScope: async ({ params, body, res }) => ({
      status: 201,
      body: { data: presentScope(tagged(res, await resources.createScope(targetRealm(res).id, params.id, body))) },
    }),
    updateScope: async ({ params, body, req, res }) => {
      const realmId = targetRealm(res).id;
      const scope = await resources.updateScope(realmId, params.id, params.scopeId, body, preconditionOf(req));
      return { status: 200, body: { data: presentScope(tagged(res, scope)) } };
    },
    deleteScope: async ({ params, req, res }) => {
      await resources.deleteScope(targetRealm(res).id, params.id, params.scopeId, preconditionOf(req));
      return { status: 204, body: undefined };
    },
  });
}
