import {
  AUTHORIZE_PATH,
  contract,
  END_SESSION_PATH,
  FORGOT_PASSWORD_PATH,
  LOGIN_PATH,
  RESET_PASSWORD_PATH,
  SIGN_IN_VERIFY_EMAIL_PATH,
  VERIFY_EMAIL_PAGE_PATH,
} from '@realmkit/contract';
import { createExpressEndpoints } from '@ts-rest/express';
import express, { type Express, type NextFunction, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { applicationsRoutes } from './applications/applications.routes.ts';
import type { ClientEvent } from './audit/audit-log.service.ts';
import { auditLogsRoutes } from './audit/audit-logs.routes.ts';
import { auditTrail, auditTrailStep } from './audit/audit-trail.ts';
import { consoleRoutes } from './console/console.routes.ts';
import { docsRoutes } from './docs/docs.routes.ts';
import { homeRoutes } from './docs/home.page.ts';
import { healthRoutes } from './health/health.routes.ts';
import { clearHotPathAfterWrites, clearHotPathStep } from './hot-path/hot-path.service.ts';
import { accessLog } from './http/access-log.ts';
import { bearerAuth } from './http/bearer-auth.ts';
import { notModified, notModifiedStep } from './http/conditional-requests.ts';
import { corsFor, oauthCors } from './http/cors.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { jsonBody } from './http/json-body.ts';
import { requestContext } from './http/request-context.ts';
import { requestId } from './http/request-id.ts';
import { responseHooks } from './http/response-hooks.ts';
import { securityHeaders } from './http/security-headers.ts';
import { storableText } from './http/storable-text.ts';
import { idempotency, idempotencyStep } from './idempotency/idempotency.middleware.ts';
import { discoveryContract, discoveryRoutes } from './oauth/discovery.routes.ts';
import { introspectionEndpoint } from './oauth/introspection.endpoint.ts';
import { oauthPathErrors } from './oauth/oauth-path-errors.ts';
import { revocationEndpoint } from './oauth/revocation.endpoint.ts';
import { tokenEndpoint } from './oauth/token.endpoint.ts';
import { userinfoEndpoint } from './oauth/userinfo.endpoint.ts';
import type { RateLimits } from './rate-limits/rate-limits.ts';
import { realmKeysRoutes } from './realms/realm-keys.routes.ts';
import { realmsRoutes } from './realms/realms.routes.ts';
import { resourcesRoutes } from './resources/resources.routes.ts';
import { rolesRoutes } from './roles/roles.routes.ts';
import type { Services } from './services.ts';
import { authorizeEndpoint } from './sign-in/authorize.endpoint.ts';
import { SignInCookies } from './sign-in/cookies.ts';
import { endSessionEndpoint } from './sign-in/end-session.endpoint.ts';
import { forgotPasswordEndpoint } from './sign-in/forgot-password.endpoint.ts';
import { loginEndpoint, loginPage } from './sign-in/login.endpoint.ts';
import { SignInPages } from './sign-in/pages.ts';
import { resetPasswordEndpoint } from './sign-in/reset-password.endpoint.ts';
import type { SignInDeps } from './sign-in/sign-in-flow.ts';
import { signInVerifyEmailEndpoint } from './sign-in/verify-email.endpoint.ts';
import { TemplateFiles } from './templates/template-files.ts';
import { usersRoutes } from './users/users.routes.ts';
import { usersByRealmNameRoutes } from './users/users-by-realm-name.routes.ts';
import { verifyEmailPage } from './users/verify-email.page.ts';

/**
 * A global middleware usable with every router: ts-rest types each router's requests by its own
 * query and body, and these read only what every Express request has.
 */
function forEveryRouter(handler: RequestHandler) {
  return (req: unknown, res: Response, next: NextFunction) => handler(req as express.Request, res, next);
}

export interface AppOptions {
  services: Services;
  logger: Logger;
  issuerUrl: string;
  trustProxy: boolean | number | string;
  /** Rate limits of the token, introspection and revocation endpoints and of the Management API; none when absent. */
  rateLimits?: RateLimits;
  /** Browser origins allowed by CORS; none (the default) leaves CORS off. */
  corsOrigins?: readonly string[];
  /** Overrides of the built-in templates (`REALMKIT_TEMPLATES_DIR`): the sign-in pages read it. */
  templatesDir?: string | undefined;
}

/** The Express app, without listening: tests start it on port 0. */
export function createApp({
  services,
  logger,
  issuerUrl,
  trustProxy,
  rateLimits,
  corsOrigins = [],
  templatesDir,
}: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.set('query parser', 'simple');

  app.use(requestId);
  app.use(accessLog(logger));
  app.use(securityHeaders());
  // The endpoints that browser apps call themselves answer any origin, before the configured CORS.
  app.use(
    [
      contract.oauth.token.path,
      contract.oauth.userinfo.path,
      contract.oauth.revoke.path,
      contract.oauth.jwks.path,
      contract.oauth.openidConfiguration.path,
      contract.oauth.authorizationServerMetadataInRealm.path,
    ],
    oauthCors(),
  );
  const cors = corsFor(corsOrigins);
  if (cors) app.use(cors);
  // Before the request context and every other route: the busiest route reads through the
  // hot-path cache (whose loaders fork their own EntityManager) and needs nothing below. So do the
  // other OAuth and sign-in endpoints: their services fork their own.
  const grantServices = {
    cache: services.hotPath,
    tokens: services.accessTokens,
    idTokens: services.idTokens,
    issuers: services.issuers,
    codes: services.authorizationCodes,
    store: services.tokenStore,
    users: services.users,
    roles: services.roles,
    clock: services.clock,
    audit: {
      record: (event: ClientEvent) => services.auditLogs.recordClientEvent(event),
      recordLater: (event: ClientEvent) =>
        services.auditLogs.recordClientEventLater(event, (error, entry) =>
          logger.error({ err: error, audit: entry }, 'audit entry could not be recorded'),
        ),
    },
  };
  // The token endpoint's limits, and the counts of failed client authentications, hold at every
  // endpoint where clients authenticate: one middleware, mounted on all three (decision 0022).
  const clientAuthLimits = { afterParse: rateLimits?.clientAuth };
  app.post(
    contract.oauth.token.path,
    ...tokenEndpoint({ ...grantServices, clients: services.clients }, clientAuthLimits),
  );
  const userinfo = userinfoEndpoint({
    cache: services.hotPath,
    tokens: services.accessTokens,
    issuers: services.issuers,
  });
  app.get(contract.oauth.userinfo.path, userinfo);
  app.post(contract.oauth.userinfo.path, userinfo);
  app.post(
    contract.oauth.revoke.path,
    ...revocationEndpoint(
      {
        cache: services.hotPath,
        clients: services.clients,
        tokens: services.accessTokens,
        store: services.tokenStore,
      },
      clientAuthLimits,
    ),
  );
  const signIn: SignInDeps = {
    cache: services.hotPath,
    users: services.users,
    sessions: services.sessions,
    codes: services.authorizationCodes,
    keys: services.signingKeys,
    pages: new SignInPages(new TemplateFiles(templatesDir)),
    cookies: new SignInCookies(issuerUrl),
    issuers: services.issuers,
    formKey: services.signInFormKey,
    clock: services.clock,
    loginLimit: rateLimits?.login,
    verifications: services.emailVerifications,
    passwordResets: services.passwordResets,
    logger,
    audit: (event) =>
      services.auditLogs.recordUserEventLater(event, (error, entry) =>
        logger.error({ err: error, audit: entry }, 'audit entry could not be recorded'),
      ),
  };
  const authorize = authorizeEndpoint(signIn);
  app.get(AUTHORIZE_PATH, authorize);
  app.post(AUTHORIZE_PATH, authorize);
  app.get(LOGIN_PATH, loginPage(signIn));
  app.post(LOGIN_PATH, loginEndpoint(signIn));
  for (const [path, endpoint] of [
    [FORGOT_PASSWORD_PATH, forgotPasswordEndpoint(signIn)],
    [RESET_PASSWORD_PATH, resetPasswordEndpoint(signIn)],
    [SIGN_IN_VERIFY_EMAIL_PATH, signInVerifyEmailEndpoint(signIn)],
  ] as const) {
    app.get(path, endpoint);
    app.post(path, endpoint);
  }
  const endSession = endSessionEndpoint(signIn);
  app.get(END_SESSION_PATH, endSession);
  app.post(END_SESSION_PATH, endSession);
  // The console's page and files need no database.
  const consolePages = consoleRoutes({ issuerUrl });
  if (consolePages) app.use(consolePages);
  app.use(homeRoutes({ issuerUrl, console: consolePages !== undefined }));
  app.use(requestContext(services.orm));

  app.use(docsRoutes({ issuerUrl }));

  app.post(
    contract.oauth.introspect.path,
    ...introspectionEndpoint(
      services.hotPath,
      services.clients,
      { resources: services.resources, tokens: services.accessTokens, issuers: services.issuers },
      clientAuthLimits,
    ),
  );

  app.use(oauthPathErrors);

  app.get(VERIFY_EMAIL_PAGE_PATH, verifyEmailPage(services.emailVerifications));

  // The steps that act on a response once a route answers register hooks there (http/response-
  // hooks.ts) rather than patching `res`; at each moment they run in this order, whatever order
  // their middleware ran in. Mounted here, before the first of them: the routes above answer
  // without paying for it.
  // - beforeBody (`res.json`, before serialising): the audit trail notes the body (a create's
  //   new id), then notModified may answer 304 in its place (GET and HEAD only, the audit trail
  //   writes only: one request never has both today).
  // - beforeEnd (the whole response known, nothing sent; each hook settles before the next, then
  //   the response leaves): the audit trail writes the entry, then idempotency keeps the key's
  //   outcome, so a client that got the answer, or a replay of it, finds both (decision 0012).
  // - beforeHead (the final status, as the head is written: after every beforeEnd hook): the
  //   hot-path cache is cleared after a successful write (decision 0015).
  // Which requests get which step is still the middleware's order below: idempotency answers a
  // replay before the audit trail has registered, so a replay is not audited (decision 0012).
  app.use(responseHooks([auditTrailStep, idempotencyStep, notModifiedStep, clearHotPathStep], logger));
  app.use(jsonBody);
  app.use(notModified);
  // What every route of the contract runs once ts-rest matched it, before its handler.
  const authenticate = bearerAuth({
    authenticate: (presented) => services.accessTokens.verifyManagementToken(presented),
    findRealm: (ref) => services.hotPath.realm(ref),
  });
  const afterAuthentication = [
    // Every request counts against the limit, replays included (a retry storm is still a storm).
    ...(rateLimits?.management ? [rateLimits.management] : []),
    // Before the audit trail: a replayed POST is answered here and never reaches it, so the log
    // holds one entry per write that ran, not one per retry (decision 0012).
    idempotency(services.idempotency, logger),
    auditTrail(services.auditLogs, logger),
  ];
  const routeOptions = {
    // After authentication: a refused request changes nothing and must not empty the cache.
    globalMiddleware: [
      storableText,
      authenticate,
      clearHotPathAfterWrites(services.hotPath),
      ...afterAuthentication,
    ].map(forEveryRouter),
    requestValidationErrorHandler: (error: unknown, _req: unknown, _res: unknown, next: (error: unknown) => void) =>
      next(error),
    logInitialization: false,
  };
  // Users are read neither by the token endpoint nor by the bearer check: their writes (a sign-up
  // flood, say) leave the hot-path cache, and the tokens verified through it, as they are.
  const userRouteOptions = {
    ...routeOptions,
    globalMiddleware: [storableText, authenticate, ...afterAuthentication].map(forEveryRouter),
  };
  createExpressEndpoints(contract.health, healthRoutes(services.readiness), app, routeOptions);
  createExpressEndpoints(
    discoveryContract,
    discoveryRoutes(services.realms, services.signingKeys, services.issuers),
    app,
    routeOptions,
  );
  createExpressEndpoints(contract.realms, realmsRoutes(services.realms), app, routeOptions);
  createExpressEndpoints(contract.signingKeys, realmKeysRoutes(services.realms), app, routeOptions);
  createExpressEndpoints(
    contract.users,
    usersRoutes(services.users, services.emailVerifications, services.passwordResets, rateLimits?.guessing),
    app,
    userRouteOptions,
  );
  createExpressEndpoints(
    contract.usersByRealmName,
    usersByRealmNameRoutes({
      users: services.users,
      realms: services.realms,
      verifications: services.emailVerifications,
      passwordResets: services.passwordResets,
    }),
    app,
    userRouteOptions,
  );
  createExpressEndpoints(
    contract.applications,
    applicationsRoutes(services.applications, services.federatedCredentials),
    app,
    routeOptions,
  );
  createExpressEndpoints(contract.roles, rolesRoutes(services.roles), app, routeOptions);
  createExpressEndpoints(contract.resources, resourcesRoutes(services.resources), app, routeOptions);
  createExpressEndpoints(contract.auditLogs, auditLogsRoutes(services.auditLogs), app, routeOptions);

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
