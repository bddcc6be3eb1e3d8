/**
 * Where a realm's two faces live, once: the routes of the contract are written under these, and
 * the server derives its issuer (`iss`), its Management API audience (`aud`) and discovery's
 * endpoint URLs from them.
 */

/** A realm's authorization server, its issuer (RFC 8414): `/oauth2/{realm}`. */
export const REALM_ISSUER_PATH = '/oauth2/:realm';

/** A realm's Management API, its tokens' audience: `/api/v1/{realm}`. */
export const REALM_API_PATH = '/api/v1/:realm';

/** The realms API (master-realm tokens). */
export const REALMS_API_PATH = '/api/v1/realms';

/**
 * The server's own pages, outside ts-rest: the API reference (rendered from the OpenAPI document
 * the contract derives), that document, and the home page at `/` that points to them.
 */
export const HOME_PATH = '/';
export const DOCS_PATH = '/docs';
export const OPENAPI_DOCUMENT_PATH = '/openapi.json';

/** The page a verification email links to (`?token=...`); served by the server, outside ts-rest. */
export const VERIFY_EMAIL_PAGE_PATH = '/verify-email';

/**
 * The pages of each realm's sign-in, under its issuer, served outside ts-rest (HTML and redirects,
 * for browsers): the authorization endpoint (OIDC Core §3.1.2, GET and POST), where its login form
 * posts, and the end-session endpoint (OIDC RP-Initiated Logout, GET and POST).
 */
export const AUTHORIZE_PATH = `${REALM_ISSUER_PATH}/authorize`;
export const LOGIN_PATH = `${REALM_ISSUER_PATH}/login`;
export const END_SESSION_PATH = `${REALM_ISSUER_PATH}/logout`;

/**
 * The account pages beside the login form, under the issuer too (its cookies reach them): asking
 * for a password reset email, the page its link opens, and the page that holds a user whose email
 * must be verified before sign-in goes on (its verification links open it with `?token=`).
 */
export const FORGOT_PASSWORD_PATH = `${REALM_ISSUER_PATH}/forgot-password`;
export const RESET_PASSWORD_PATH = `${REALM_ISSUER_PATH}/reset-password`;
export const SIGN_IN_VERIFY_EMAIL_PATH = `${REALM_ISSUER_PATH}/verify-email`;

/**
 * `path` (one of the contract's, with `:realm`) for the realm named `realm`.
 *
 * @example
 * realmPath(contract.oauth.token.path, 'acme'); // '/oauth2/acme/token'
 */
export function realmPath(path: string, realm: string): string {
  return path.replace(':realm', realm);
}

/**
 * The web console (served by the server, outside ts-rest): `/console/{realm}/…` signs in with
 * that realm's built-in console application and manages what its admins' roles allow;
 * `/console/` goes to the master realm's.
 */
export const CONSOLE_PATH = '/console';
export const CONSOLE_REALM_PATH = `${CONSOLE_PATH}/:realm`;

/** The built-in public (`spa`) application through which a realm's admins sign in to the console. */
export const CONSOLE_APPLICATION = {
  /** client_ids are unique across realms: the realm's name (immutable) makes it its own. */
  clientId: (realm: string): string => `realmkit-console-${realm}`,
  name: 'Realmkit console',
  /** Where the authorization response comes back to (matched exactly, like any redirect URI). */
  redirectUri: (issuerUrl: string, realm: string): string =>
    `${issuerUrl}${realmPath(CONSOLE_REALM_PATH, realm)}/callback`,
  /** Where RP-initiated logout sends the admin back to. */
  postLogoutRedirectUri: (issuerUrl: string, realm: string): string =>
    `${issuerUrl}${realmPath(CONSOLE_REALM_PATH, realm)}/`,
} as const;
