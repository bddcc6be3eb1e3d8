import { contract, generateOpenApi } from '@realmkit/contract';
import { createExpressEndpoints } from '@ts-rest/express';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { applicationsRoutes } from './applications/applications.routes.ts';
import { docsRoutes } from './docs/docs.routes.ts';
import { bearerAuth } from './http/bearer-auth.ts';
import { notModified } from './http/conditional-requests.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { jsonBody } from './http/json-body.ts';
import { requestContext } from './http/request-context.ts';
import { requestId } from './http/request-id.ts';
import { idempotency } from './idempotency/idempotency.middleware.ts';
import { discoveryContract, discoveryRoutes } from './oauth/discovery.routes.ts';
import { tokenEndpoint } from './oauth/token.endpoint.ts';
import { realmsRoutes } from './realms/realms.routes.ts';
import { resourcesRoutes } from './resources/resources.routes.ts';
import { rolesRoutes } from './roles/roles.routes.ts';
import type { Services } from './services.ts';
import { usersRoutes } from './users/users.routes.ts';
import { usersByRealmNameRoutes } from './users/users-by-realm-name.routes.ts';
import { VERIFY_EMAIL_PATH } from './users/verification-link.ts';
import { verifyEmailPage } from './users/verify-email.page.ts';

export interface AppOptions {
  services: Services;
  logger: Logger;
  issuerUrl: string;
  trustProxy: boolean | number | string;
}

/** The Express app, without listening: tests start it on port 0. */
export function createApp({ services, logger, issuerUrl, trustProxy }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.set('query parser', 'simple');

  app.use(requestId);
  app.use(pinoHttp({ logger, genReqId: (req) => (req as express.Request).id, quietReqLogger: true }));
  app.use(requestContext(services.orm));

  const openApiDocument = JSON.stringify(generateOpenApi({ serverUrl: issuerUrl }));
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openApiDocument);
  });
  app.use(docsRoutes({ issuerUrl }));

  app.post(
    contract.oauth.token.path,
    ...tokenEndpoint(services.realms, {
      applications: services.applications,
      resources: services.resources,
      roles: services.roles,
      tokens: services.accessTokens,
    }),
  );

  app.get(VERIFY_EMAIL_PATH, verifyEmailPage(services.emailVerifications));

  app.use(jsonBody);
  app.use(notModified);
  const routeOptions = {
    globalMiddleware: [
      bearerAuth({
        authenticate: (token) => services.accessTokens.verifyManagementToken(token),
        findRealm: (ref) => services.realms.findByRef(ref),
      }),
      idempotency(services.idempotency),
    ],
    requestValidationErrorHandler: (error: unknown, _req: unknown, _res: unknown, next: (error: unknown) => void) =>
      next(error),
    logInitialization: false,
  };
  createExpressEndpoints(
    discoveryContract,
    discoveryRoutes(services.realms, services.signingKeys, services.issuers),
    app,
    routeOptions,
  );
  createExpressEndpoints(contract.realms, realmsRoutes(services.realms), app, routeOptions);
  createExpressEndpoints(contract.users, usersRoutes(services.users, services.emailVerifications), app, routeOptions);
  createExpressEndpoints(
    contract.usersByRealmName,
    usersByRealmNameRoutes({
      users: services.users,
      realms: services.realms,
      verifications: services.emailVerifications,
    }),
    app,
    routeOptions,
  );
  createExpressEndpoints(contract.applications, applicationsRoutes(services.applications), app, routeOptions);
  createExpressEndpoints(contract.roles, rolesRoutes(services.roles), app, routeOptions);
  createExpressEndpoints(contract.resources, resourcesRoutes(services.resources), app, routeOptions);

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
