/**
 * OpenID Connect as each realm's provider serves it, written once: the scopes and the claims each
 * releases (OIDC Core §5.4), the lifetimes of codes, tokens and sessions, and the bounds on what a
 * sign-in request may carry. The server, discovery and the OpenAPI document read them from here.
 */

/** Standard scopes a client may ask for at the authorization endpoint (OIDC Core §5.4, §11). */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
export type OidcScope = (typeof OIDC_SCOPES)[number];

/** The user claims each scope releases, in the ID token and at the userinfo endpoint (OIDC Core §5.4). */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'updated_at'],
  email: ['email', 'email_verified'],
  offline_access: [],
} as const satisfies Record<OidcScope, readonly string[]>;

/** Every claim an ID token may carry: the user's, and those OIDC Core §2 and §3.1.3.6 define. */
export const ID_TOKEN_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'sid',
  'azp',
  ...new Set(Object.values(CLAIMS_BY_SCOPE).flat()),
] as const;

/** `response_type` values of the authorization endpoint: the code flow only (OAuth 2.1 §4.1). */
export const RESPONSE_TYPES = ['code'] as const;

/** RFC 7636 code challenge methods: `S256` only (OAuth 2.1 §4.1.1 refuses `plain`). */
export const CODE_CHALLENGE_METHODS = ['S256'] as const;

/** `prompt` values honoured (OIDC Core §3.1.2.1); `consent` and `select_account` change nothing (no consent screen). */
export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'] as const;

/** An authorization code works this long, in seconds (RFC 6749 §4.1.2 recommends at most 10 minutes; OAuth 2.1 short). */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;

/** ID tokens and the access tokens issued for the userinfo endpoint live this long, in seconds. */
export const ID_TOKEN_TTL_SECONDS = 3600;
export const USERINFO_ACCESS_TOKEN_TTL_SECONDS = 3600;

/**
 * A refresh token works this long after it is issued, in seconds (30 days); each use rotates it and
 * the new one gets the full lifetime again. Unused for 30 days, the user signs in again.
 */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

/** A login session ends after this long without use (3 days), and this long after sign-in whatever happens (30 days): Auth0's defaults. */
export const SESSION_IDLE_TTL_SECONDS = 3 * 24 * 3600;
export const SESSION_MAX_TTL_SECONDS = 30 * 24 * 3600;

/** How long a login page may stay open before its form is refused, in seconds. */
export const LOGIN_FORM_TTL_SECONDS = 30 * 60;

/** Characters of each authorization request parameter the server keeps or echoes (`state`, `nonce`, ...). */
export const MAX_AUTHORIZATION_PARAMETER_LENGTH = 2048;

/** Characters of the identifier typed on the login page (an email address is at most 254). */
export const MAX_LOGIN_IDENTIFIER_LENGTH = 320;

/** Cookie names, each scoped to its realm's issuer path. */
export const SESSION_COOKIE = 'rk_session';
export const LOGIN_FORM_COOKIE = 'rk_form';
/**
 * A sign-in held until the user verifies their email (`require_verified_email`): the verification
 * link, followed in this browser within LOGIN_FORM_TTL_SECONDS, continues it.
 */
export const PENDING_SIGN_IN_COOKIE = 'rk_pending';
