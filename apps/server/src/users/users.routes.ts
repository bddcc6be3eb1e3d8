import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import { targetRealm } from '../http/bearer-auth.ts';
import { preconditionOf, tagged } from '../http/conditional-requests.ts';
import { listBody } from '../http/list-body.ts';
import type { LoginGuessing, SignInFailureState } from '../rate-limits/login-guessing.service.ts';
import { presentRole } from '../roles/role.presenter.ts';
import type { EmailVerificationService } from './email-verification.service.ts';
import type { PasswordResetService } from './password-reset.service.ts';
import { presentIdentity, presentSignInFailures, presentUser, presentUserSession } from './user.presenter.ts';
import type { UserService } from './user.service.ts';

/** With the delays off, nothing is counted. */
const NOTHING_COUNTED: SignInFailureState = { failures: 0, lastFailureAt: null, resetAt: null, delayedUntil: null };

/**
 * `/api/v1/{realm}/users`: thin handlers over {@link UserService}, and the failed sign-ins that
 * `guessing` counts (none when the delays are off).
 */
export function usersRoutes(
  users: UserService,
  verifications: EmailVerificationService,
  passwordResets: PasswordResetService,
  guessing?: Pick<LoginGuessing, 'state' | 'clear'>,
) {
  return initServer().router(contract.users, {
    list: async ({ query, res }) => ({
      status: 200,
      body: listBody(await users.list(targetRealm(res).id, query), presentUser),
    }),
    create: async ({ body, res }) => ({
      status: 201,
      body: { data: presentUser(tagged(res, await users.create(targetRealm(res).id, body))) },
    }),
    get: async ({ params, res }) => ({
      status: 200,
      body: { data: presentUser(tagged(res, await users.read(targetRealm(res).id, params.id))) },
    }),
    update: async ({ params, body, req, res }) => ({
      status: 200,
      body: {
        data: presentUser(tagged(res, await users.update(targetRealm(res).id, params.id, body, preconditionOf(req)))),
      },
    }),
    delete: async ({ params, req, res }) => {
      await users.delete(targetRealm(res).id, params.id, preconditionOf(req));
      return { status: 204, body: undefined };
    },
    setPassword: async ({ params, body, req, res }) => {
      const user = await users.setPassword(targetRealm(res).id, params.id, body.password, {
        check: preconditionOf(req),
      });
      return { status: 200, body: { data: presentUser(tagged(res, user)) } };
    },
    setSuspended: async ({ params, body, req, res }) => {
      const user = await users.setSuspended(targetRealm(res).id, params.id, body.is_suspended, preconditionOf(req));
      return { status: 200, body: { data: presentUser(tagged(res, user)) } };
    },
    verifyPassword: async ({ params, body, res }) => {
      await users.verifyPassword(targetRealm(res).id, params.id, body.password);
      return { status: 204, body: undefined };
    },
    listRoles: async ({ params, query, res }) => ({
      status: 200,
      body: listBody(await users.listRoles(targetRealm(res).id, params.id, query), presentRole),
    }),
    assignRoles: async ({ params, body, res }) => {
      await users.assignRoles(targetRealm(res).id, params.id, body.role_ids);
      return { status: 204, body: undefined };
    },
    removeRole: async ({ params, res }) => {
      await users.removeRole(targetRealm(res).id, params.id, params.roleId);
      return { status: 204, body: undefined };
    },
    sendVerifyEmail: async ({ params, res }) => {
      await verifications.request(targetRealm(res), params.id);
      return { status: 202, body: undefined };
    },
    sendPasswordResetEmail: async ({ params, res }) => {
      await passwordResets.request(targetRealm(res), params.id);
      return { status: 202, body: undefined };
    },
    getSignInFailures: async ({ params, res }) => {
      const user = await users.get(targetRealm(res).id, params.id);
      return {
        status: 200,
        body: { data: presentSignInFailures(guessing ? await guessing.state(user.id) : NOTHING_COUNTED) },
      };
    },
    clearSignInFailures: async ({ params, res }) => {
      const user = await users.get(targetRealm(res).id, params.id);
      await guessing?.clear(user.id);
      return { status: 204, body: undefined };
    },
    listIdentities: async ({ params, query, res }) => ({
      status: 200,
      body: listBody(await users.listIdentities(targetRealm(res).id, params.id, query), presentIdentity),
    }),
    listSessions: async ({ params, query, res }) => ({
      status: 200,
      body: listBody(await users.listSessions(targetRealm(res).id, params.id, query), presentUserSession),
    }),
    endSessions: async ({ params, res }) => {
      await users.endSessions(targetRealm(res).id, params.id);
      return { status: 204, body: undefined };
    },
    endSession: async ({ params, res }) => {
      await users.endSession(targetRealm(res).id, params.id, params.sessionId);
      return { status: 204, body: undefined };
    },
  });
}
