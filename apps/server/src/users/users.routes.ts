import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import { targetRealm } from '../http/bearer-auth.ts';
import { presentIdentity, presentUser } from './user.presenter.ts';
import type { UserService } from './user.service.ts';

/** `/api/v1/{realm}/users`: thin handlers over {@link UserService}. */
export function usersRoutes(users: UserService) {
  return initServer().router(contract.users, {
    list: async ({ query, res }) => {
      const page = await users.list(targetRealm(res).id, query);
      return { status: 200, body: { data: page.users.map(presentUser), meta: page.meta } };
    },
    create: async ({ body, res }) => ({
      status: 201,
      body: { data: presentUser(await users.create(targetRealm(res).id, body)) },
    }),
    get: async ({ params, res }) => ({
      status: 200,
      body: { data: presentUser(await users.get(targetRealm(res).id, params.id)) },
    }),
    update: async ({ params, body, res }) => ({
      status: 200,
      body: { data: presentUser(await users.update(targetRealm(res).id, params.id, body)) },
    }),
    delete: async ({ params, res }) => {
      await users.delete(targetRealm(res).id, params.id);
      return { status: 204, body: undefined };
    },
    setPassword: async ({ params, body, res }) => ({
      status: 200,
      body: { data: presentUser(await users.setPassword(targetRealm(res).id, params.id, body.password)) },
    }),
    setSuspended: async ({ params, body, res }) => ({
      status: 200,
      body: { data: presentUser(await users.setSuspended(targetRealm(res).id, params.id, body.is_suspended)) },
    }),
    listIdentities: async ({ params, query, res }) => {
      const page = await users.listIdentities(targetRealm(res).id, params.id, query);
      return { status: 200, body: { data: page.identities.map(presentIdentity), meta: page.meta } };
    },
  });
}
