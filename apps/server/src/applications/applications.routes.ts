import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import { targetRealm } from '../http/bearer-auth.ts';
import { preconditionOf, tagged } from '../http/conditional-requests.ts';
import { listBody } from '../http/list-body.ts';
import { presentRole } from '../roles/role.presenter.ts';
import { presentApplication, presentFederatedCredential } from './application.presenter.ts';
import type { ApplicationService } from './application.service.ts';
import type { FederatedCredentialService } from './federated-credential.service.ts';

/**
 * `/api/v1/{realm}/applications`: thin handlers over {@link ApplicationService}, and over
 * {@link FederatedCredentialService} for an application's federated credentials.
 */
export function applicationsRoutes(applications: ApplicationService, federatedCredentials: FederatedCredentialService) {
  return initServer().router(contract.applications, {
    list: async ({ query, res }) => ({
      status: 200,
      body: listBody(await applications.list(targetRealm(res).id, query), presentApplication),
    }),
    create: async ({ body, res }) => {
      const { application, clientSecret } = await applications.create(targetRealm(res).id, body);
      tagged(res, application);
      return {
        status: 201,
        body: {
          data: { ...presentApplication(application), ...(clientSecret ? { client_secret: clientSecret } : {}) },
        },
      };
    },
    get: async ({ params, res }) => ({
      status: 200,
      body: { data: presentApplication(tagged(res, await applications.get(targetRealm(res).id, params.id))) },
    }),
    update: async ({ params, body, req, res }) => {
      const application = await applications.update(targetRealm(res).id, params.id, body, preconditionOf(req));
      return { status: 200, body: { data: presentApplication(tagged(res, application)) } };
    },
    delete: async ({ params, req, res }) => {
      await applications.delete(targetRealm(res).id, params.id, preconditionOf(req));
      return { status: 204, body: undefined };
    },
    rotateSecret: async ({ params, body, req, res }) => {
      const { application, clientSecret, previousSecretExpiresAt } = await applications.rotateSecret(
        targetRealm(res).id,
        params.id,
        body?.grace_period_seconds,
        preconditionOf(req),
      );
      tagged(res, application);
      return {
        status: 200,
        body: {
          data: {
            ...presentApplication(application),
            client_secret: clientSecret,
            previous_client_secret_expires_at: previousSecretExpiresAt.toISOString(),
          },
        },
      };
    },
    listRoles: async ({ params, query, res }) => ({
      status: 200,
      body: listBody(await applications.listRoles(targetRealm(res).id, params.id, query), presentRole),
    }),
    assignRoles: async ({ params, body, res }) => {
      await applications.assignRoles(targetRealm(res).id, params.id, body.role_ids);
      return { status: 204, body: undefined };
    },
    removeRole: async ({ params, res }) => {
      await applications.removeRole(targetRealm(res).id, params.id, params.roleId);
      return { status: 204, body: undefined };
    },
    listFederatedCredentials: async ({ params, query, res }) => ({
      status: 200,
      body: listBody(
        await federatedCredentials.list(targetRealm(res).id, params.id, query),
        presentFederatedCredential,
      ),
    }),
    createFederatedCredential: async ({ params, body, res }) => ({
      status: 201,
      body: { data: presentFederatedCredential(await federatedCredentials.create(targetRealm(res), params.id, body)) },
    }),
    getFederatedCredential: async ({ params, res }) => ({
      status: 200,
      body: {
        data: presentFederatedCredential(
          await federatedCredentials.get(targetRealm(res).id, params.id, params.credentialId),
        ),
      },
    }),
    deleteFederatedCredential: async ({ params, res }) => {
      await federatedCredentials.delete(targetRealm(res).id, params.id, params.credentialId);
      return { status: 204, body: undefined };
    },
  });
}
