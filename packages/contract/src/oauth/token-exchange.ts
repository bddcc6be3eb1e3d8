/**
 * OAuth 2.0 Token Exchange (RFC 8693): the names it defines, written once for the server,
 * discovery, the SDK, the console and the OpenAPI document.
 */

/** The grant type of a token exchange request (RFC 8693 §2.1). */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** RFC 8693 §3: an OAuth 2.0 access token; what Realmkit exchanges and what it issues. */
export const ACCESS_TOKEN_TYPE_URN = 'urn:ietf:params:oauth:token-type:access_token';

/** RFC 8693 §3: a JWT. Realmkit's access tokens are JWTs (RFC 9068), and some clients name them so. */
export const JWT_TOKEN_TYPE_URN = 'urn:ietf:params:oauth:token-type:jwt';

/**
 * The `subject_token_type` and `actor_token_type` values Realmkit accepts: both name this realm's
 * access tokens, the only tokens it exchanges.
 */
export const EXCHANGEABLE_TOKEN_TYPES = [ACCESS_TOKEN_TYPE_URN, JWT_TOKEN_TYPE_URN] as const;

/** The audit log's action for a token exchange, and for one refused after the client authenticated. */
export const TOKEN_EXCHANGE_AUDIT_ACTIONS = {
  exchanged: 'token.exchanged',
  failed: 'token.exchange_failed',
} as const;
