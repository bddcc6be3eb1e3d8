import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import type { Response } from 'express';
import { NotFoundError } from '../errors/api-error.ts';
import { assertManages, principalOf, setTargetRealm } from '../http/bearer-auth.ts';
import { preconditionOf, tagged } from '../http/conditional-requests.ts';
import type { RealmService } from '../realms/realm.service.ts';
import type { EmailVerificationService } from './email-verification.service.ts';
import type { PasswordResetService } from './password-reset.service.ts';
import { presentRealmUser } from './realm-user.presenter.ts';
import type { User } from './user.entity.ts';
import type { UserService } from './user.service.ts';

interface Deps {
  users: UserService;
  realms: RealmService;
  verifications: EmailVerificationService;
  passwordResets: PasswordResetService;
}

/**
 * `/api/users`: the older users API, a thin adapter over the v1 services. The realm comes from
 * `?realm=` or `realmName`; routes by user id find the user in the token's realm (any realm
 * for a master token).
 */
export function usersByRealmNameRoutes({ users, realms, verifications, passwordResets }: Deps) {
  async function realmNamed(name: string, res: Response) {
    const realm = await realms.findByName(name);
    if (!realm) throw new NotFoundError(`Realm ${name} not found`);
    assertManages(principalOf(res), realm);
    setTargetRealm(res, realm);
    return realm;
  }

  /** The user and its realm, within what the token may see. */
  async function userOf(userId: string, res: Response): Promise<{ user: User; realm: { id: string; name: string } }> {
    const principal = principalOf(res);
    const user = await users.getInScope(userId, principal.isMaster ? undefined : principal.realmId);
    const realm = principal.isMaster
      ? await realms.get(user.realmId)
      : { id: principal.realmId, name: principal.realmName };
    setTargetRealm(res, realm);
    return { user, realm };
  }

  return initServer().router(contract.usersByRealmName, {
    list: async ({ query, res }) => {
      const realm = await realmNamed(query.realm, res);
      const page = await users.list(realm.id, { page: query.page + 1, per_page: query.size });
      return {
        status: 200,
        body: {
          content: page.items.map((user) => presentRealmUser(user, realm.name)),
          page: query.page,
          size: query.size,
          totalElements: page.meta.total,
          totalPages: Math.ceil(page.meta.total / query.size),
        },
      };
    },
    create: async ({ body, res }) => {
      const realm = await realmNamed(body.realmName, res);
      const user = await users.create(realm.id, {
        email: body.email,
        username: body.username,
        given_name: body.firstName,
        family_name: body.lastName,
        password: body.password,
      });
      return { status: 201, body: presentRealmUser(tagged(res, user), realm.name) };
    },
    get: async ({ params, res }) => {
      const { user, realm } = await userOf(params.userId, res);
      return { status: 200, body: presentRealmUser(tagged(res, user), realm.name) };
    },
    update: async ({ params, body, req, res }) => {
      const { realm } = await userOf(params.userId, res);
      const user = await users.update(
        realm.id,
        params.userId,
        {
          given_name: body.firstName,
          family_name: body.lastName,
          email: body.email,
          username: body.username,
          email_verified: body.emailVerified,
          is_suspended: body.enabled === undefined ? undefined : !body.enabled,
        },
        preconditionOf(req),
      );
      return { status: 200, body: presentRealmUser(tagged(res, user), realm.name) };
    },
    delete: async ({ params, req, res }) => {
      const { realm } = await userOf(params.userId, res);
      await users.delete(realm.id, params.userId, preconditionOf(req));
      return { status: 204, body: undefined };
    },
    resetPassword: async ({ params, body, req, res }) => {
      const { realm } = await userOf(params.userId, res);
      const user = await users.setPassword(realm.id, params.userId, body.newPassword, {
        field: 'newPassword',
        check: preconditionOf(req),
      });
      tagged(res, user);
      return { status: 204, body: undefined };
    },
    sendVerifyEmail: async ({ params, res }) => {
      const { realm } = await userOf(params.userId, res);
      await verifications.request(realm, params.userId);
      return { status: 202, body: undefined };
    },
    sendPasswordResetEmail: async ({ params, res }) => {
      const { realm } = await userOf(params.userId, res);
      await passwordResets.request(realm, params.userId);
      return { status: 202, body: undefined };
    },
  });
}
