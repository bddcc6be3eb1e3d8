/** One error of the OAuth endpoints: its HTTP status and what it means. */
export interface OAuthErrorEntry {
  readonly status: 400 | 401 | 429 | 500;
  readonly description: string;
}

/**
 * Every error the token and introspection endpoints answer with: RFC 6749 §5.2's, RFC 8707's
 * `invalid_target`, and `rate_limited` (an extension code, RFC 6749 §8.5, named as in the rest of
 * the API). RFC 6749 sets the statuses: 401 for `invalid_client`, 400 for the others, 500 for
 * `server_error`; 429 for `rate_limited`. The server's `OAuthError` takes its status from here, and
 * the OpenAPI document its responses and their examples: each description reads as an
 * `error_description` (plain text, as RFC 6749 asks).
 */
export const OAUTH_ERRORS = {
  invalid_request: {
    status: 400,
    description:
      'A parameter is missing, repeated or malformed, or the request is not an application/x-www-form-urlencoded UTF-8 form',
  },
  invalid_client: {
    status: 401,
    description: 'Client authentication failed: an unknown client, a wrong secret, or no client authentication',
  },
  invalid_grant: {
    status: 400,
    description: 'The authorization grant is invalid, expired or revoked (client_credentials has none to refuse)',
  },
  unauthorized_client: {
    status: 400,
    description: 'This client may not use this grant type: only machine-to-machine applications use client_credentials',
  },
  unsupported_grant_type: { status: 400, description: 'The grant type is not client_credentials' },
  invalid_scope: {
    status: 400,
    description: 'The scope is malformed, or none of the requested scopes can be granted to this client',
  },
  invalid_target: { status: 400, description: 'The resource (RFC 8707) is not an API resource of this realm' },
  rate_limited: {
    status: 429,
    description:
      'Too many token requests for this client_id or from this IP address; retry after the delay that Retry-After gives',
  },
  server_error: { status: 500, description: 'An unexpected failure on the server' },
} as const satisfies Readonly<Record<string, OAuthErrorEntry>>;

export type OAuthErrorCode = keyof typeof OAUTH_ERRORS;
export type OAuthErrorStatus = (typeof OAUTH_ERRORS)[OAuthErrorCode]['status'];

/** The codes of {@link OAUTH_ERRORS}, in its order. */
export const OAUTH_ERROR_CODES = Object.keys(OAUTH_ERRORS) as [OAuthErrorCode, ...OAuthErrorCode[]];
