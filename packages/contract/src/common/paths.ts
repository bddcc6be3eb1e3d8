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

/** The page a verification email links to (`?token=...`); served by the server, outside ts-rest. */
export const VERIFY_EMAIL_PAGE_PATH = '/verify-email';

/**
 * `path` (one of the contract's, with `:realm`) for the realm named `realm`.
 *
 * @example
 * realmPath(contract.oauth.token.path, 'acme'); // '/oauth2/acme/token'
 */
export function realmPath(path: string, realm: string): string {
  return path.replace(':realm', realm);
}
