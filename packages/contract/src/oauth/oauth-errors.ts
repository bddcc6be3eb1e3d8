/** One error of the OAuth endpoints: its HTTP status and what it means. */
export interface OAuthErrorEntry {
  readonly status: 400 | 401 | 403 | 429 | 500;
  readonly description: string;
}

/**
 * Every error the OAuth and OpenID Connect endpoints answer with: RFC 6749 §4.1.2.1's and §5.2's,
 * OIDC Core §3.1.2.6's `login_required` and `interaction_required`, RFC 6750's `invalid_token` and `insufficient_scope`
 * (userinfo), RFC 8707's `invalid_target`, RFC 9449's `invalid_dpop_proof` and `use_dpop_nonce`, and `rate_limited`
 * (an extension code, RFC 6749 §8.5, named as in the rest of the API). RFC 6749 sets the statuses:
 * 401 for `invalid_client`, 400 for the others, 500 for `server_error`; RFC 6750 401 and 403; 429
 * for `rate_limited`. The authorization endpoint sends its errors to the redirect URI instead. The server's `OAuthError` takes its status from here, and
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
    description:
      'The authorization code or refresh token is invalid, expired, revoked or already used, was issued to another ' +
      'client or redirect URI, or the PKCE code_verifier does not match; or its user is suspended or deleted. In a ' +
      'token exchange: the subject_token or actor_token is not a valid access token of this realm (invalid, expired, ' +
      'revoked, of another realm, of a suspended user or a deleted application), or the subject token names another ' +
      'actor in may_act, or is bound to a key the request does not prove',
  },
  unauthorized_client: {
    status: 400,
    description:
      'This client may not use this grant or response type (its grant_types): only machine-to-machine applications ' +
      'use client_credentials, only the others sign users in, and token exchange only when grant_types names it',
  },
  unsupported_grant_type: {
    status: 400,
    description: 'The grant type is not one the token endpoint serves (grant_types_supported in discovery)',
  },
  unsupported_response_type: { status: 400, description: 'The response_type is not code' },
  login_required: {
    status: 400,
    description: 'prompt=none was asked, but the user has no session that may be used without a login',
  },
  interaction_required: {
    status: 400,
    description:
      'prompt=none was asked, but the user must act on a page first: their email must be verified (require_verified_email)',
  },
  invalid_token: {
    status: 401,
    description: 'The access token is missing, invalid, expired or revoked, or its user is suspended or deleted',
  },
  insufficient_scope: { status: 403, description: 'The access token does not carry the openid scope' },
  invalid_scope: {
    status: 400,
    description: 'The scope is malformed, or none of the requested scopes can be granted to this client',
  },
  invalid_target: {
    status: 400,
    description: 'The resource (RFC 8707) or the audience (RFC 8693) is not an API resource of this realm',
  },
  invalid_dpop_proof: {
    status: 400,
    description:
      'The DPoP proof (RFC 9449) is missing where the client or token requires one, malformed, signed badly, for ' +
      'another method or URL, too old, already used, or for another key than the token is bound to',
  },
  use_dpop_nonce: {
    status: 400,
    description: 'Send the DPoP proof again with the nonce the DPoP-Nonce response header gives (RFC 9449 §8)',
  },
  rate_limited: {
    status: 429,
    description:
      'Too many requests for this client_id or from this IP address, or too many failed client authentications from ' +
      'this IP address; retry after the delay that Retry-After gives',
  },
  server_error: { status: 500, description: 'An unexpected failure on the server' },
} as const satisfies Readonly<Record<string, OAuthErrorEntry>>;

export type OAuthErrorCode = keyof typeof OAUTH_ERRORS;
export type OAuthErrorStatus = (typeof OAUTH_ERRORS)[OAuthErrorCode]['status'];

/** The codes of {@link OAUTH_ERRORS}, in its order. */
export const OAUTH_ERROR_CODES = Object.keys(OAUTH_ERRORS) as [OAuthErrorCode, ...OAuthErrorCode[]];
