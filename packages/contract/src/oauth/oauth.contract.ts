import { initContract } from '@ts-rest/core';
import { publicRoute } from '../common/metadata.ts';
import { withMiddleware } from '../common/middleware.ts';
import { REALM_ISSUER_PATH } from '../common/paths.ts';
import { RealmPathParams } from '../common/primitives.ts';
import { REALM_OAUTH_RESPONSES } from '../common/responses.ts';
import {
  IntrospectionRequest,
  IntrospectionResponse,
  Jwks,
  OAuthErrorBody,
  RevocationRequest,
  ServerMetadata,
  TokenRequest,
  TokenResponse,
  UserInfo,
} from './oauth.schemas.ts';
import { TOKEN_EXCHANGE_GRANT_TYPE } from './token-exchange.ts';

const c = initContract();
const TAG = 'OAuth 2.0';

/** The authorization server of each realm: `/oauth2/{realm}`. */
export const oauthContract = c.router(
  withMiddleware({
    token: {
      method: 'POST',
      path: `${REALM_ISSUER_PATH}/token`,
      pathParams: RealmPathParams,
      contentType: 'application/x-www-form-urlencoded',
      body: TokenRequest,
      responses: {
        200: TokenResponse,
        400: OAuthErrorBody,
        401: OAuthErrorBody,
        429: OAuthErrorBody,
      },
      summary: 'Issue tokens (authorization_code, client_credentials, refresh_token, token exchange)',
      description:
        "Client authentication by the application's `token_endpoint_auth_method`: `client_secret_basic` or " +
        '`client_secret_post` for confidential applications, or `private_key_jwt` (`client_assertion`, RFC 7523 ' +
        "§2.2: signed by the application's key, or a federated credential's token), `client_id` alone for public " +
        'ones (`none`). ' +
        "client_credentials: the granted scopes are the requested ones that the application's roles hold for the " +
        'resource. authorization_code (with the PKCE `code_verifier`): an access token for the userinfo endpoint, ' +
        "or for the `resource` of the authorization request with the scopes the user's roles hold there; an ID " +
        'token for `openid`; a refresh token for `offline_access`. refresh_token: the same again, and a new refresh ' +
        `token. Token exchange (\`${TOKEN_EXCHANGE_GRANT_TYPE}\`, RFC 8693), for confidential applications whose ` +
        '`grant_types` name it: a `subject_token` of this realm for a narrower access token for the target ' +
        "(`resource` or `audience`, default the subject token's), whose `act` names the requesting client (or the " +
        "`actor_token`'s subject), with at most the scopes both the subject token and the requesting client hold " +
        "for the target, never past the subject token's expiry; no refresh token. " +
        'Failures are RFC 6749 errors, `{ error, error_description }`: 401 `invalid_client`, 400 for the ' +
        'others, 429 `rate_limited` past the per-client or per-IP rate limit, or, before the secret is checked, ' +
        'after too many failed client authentications from this address (for this client_id, or for any).',
      metadata: publicRoute(TAG, {
        oauthErrors: [
          'invalid_request',
          'invalid_client',
          'invalid_grant',
          'unauthorized_client',
          'unsupported_grant_type',
          'invalid_scope',
          'invalid_target',
          'rate_limited',
          'server_error',
        ],
      }),
    },
    introspect: {
      method: 'POST',
      path: `${REALM_ISSUER_PATH}/introspect`,
      pathParams: RealmPathParams,
      contentType: 'application/x-www-form-urlencoded',
      body: IntrospectionRequest,
      responses: { 200: IntrospectionResponse, 400: OAuthErrorBody, 401: OAuthErrorBody, 429: OAuthErrorBody },
      summary: 'Introspect an access token (RFC 7662)',
      description:
        'For resource servers that cannot verify JWTs themselves. The caller authenticates as a confidential ' +
        'client of the realm (`client_secret_basic` or `client_secret_post`). A token of this realm, validly ' +
        'signed, unexpired, of an application and a resource that still exist answers `active: true` with its ' +
        'claims; anything else answers only `{ "active": false }`. The token endpoint\'s rate limits apply, and ' +
        'failed client authentications count in the same buckets as there (429 `rate_limited`).',
      metadata: publicRoute(TAG, { oauthErrors: ['invalid_request', 'invalid_client', 'rate_limited'] }),
    },
    revoke: {
      method: 'POST',
      path: `${REALM_ISSUER_PATH}/revoke`,
      pathParams: RealmPathParams,
      contentType: 'application/x-www-form-urlencoded',
      body: RevocationRequest,
      responses: { 200: c.noBody(), 400: OAuthErrorBody, 401: OAuthErrorBody, 429: OAuthErrorBody },
      summary: 'Revoke a refresh or access token (RFC 7009)',
      description:
        'The client that holds the token revokes it: a refresh token with every token rotated from the same ' +
        'sign-in, an access token until it expires (the userinfo endpoint and introspection refuse it; resource ' +
        'servers that verify tokens themselves see it until `exp`). An unknown token, or one of another client, ' +
        "answers 200 and changes nothing (RFC 7009 §2.2). The token endpoint's rate limits apply, and failed client " +
        'authentications count in the same buckets as there (429 `rate_limited`).',
      metadata: publicRoute(TAG, { oauthErrors: ['invalid_request', 'invalid_client', 'rate_limited'] }),
    },
    userinfo: {
      method: 'GET',
      path: `${REALM_ISSUER_PATH}/userinfo`,
      pathParams: RealmPathParams,
      responses: { 200: UserInfo, 401: OAuthErrorBody, 403: OAuthErrorBody },
      summary: "The signed-in user's claims (OpenID Connect userinfo)",
      description:
        'With `Authorization: Bearer <access token>` from a sign-in whose scope holds `openid`: the claims its ' +
        'scopes release (OIDC Core §5.3, §5.4). POST with the same header answers the same. A missing, invalid, ' +
        'expired or revoked token, or one whose user is suspended or deleted, is 401 `invalid_token` with ' +
        '`WWW-Authenticate: Bearer` (RFC 6750 §3); a token without `openid`, 403 `insufficient_scope`.',
      metadata: publicRoute(TAG, { oauthErrors: ['invalid_token', 'insufficient_scope'], userToken: true }),
    },
    userinfoPost: {
      method: 'POST',
      path: `${REALM_ISSUER_PATH}/userinfo`,
      pathParams: RealmPathParams,
      body: c.noBody(),
      responses: { 200: UserInfo, 401: OAuthErrorBody, 403: OAuthErrorBody },
      summary: "The signed-in user's claims, by POST",
      description: 'The same as `GET` (OIDC Core §5.3.1: the endpoint answers both).',
      metadata: publicRoute(TAG, { oauthErrors: ['invalid_token', 'insufficient_scope'], userToken: true }),
    },
    jwks: {
      method: 'GET',
      path: `${REALM_ISSUER_PATH}/jwks`,
      pathParams: RealmPathParams,
      responses: { 200: Jwks },
      summary: "The realm's public signing keys",
      description:
        "RFC 7517 JSON Web Key Set of the keys that sign the realm's access tokens (RS256, ES256 or EdDSA, " +
        "each key's `alg`), to verify them: the active key and the retiring ones whose tokens may still be " +
        'unexpired. Cacheable for 5 minutes; refetch it when a token names an unknown `kid`.',
      metadata: publicRoute(TAG),
    },
    openidConfiguration: {
      method: 'GET',
      path: `${REALM_ISSUER_PATH}/.well-known/openid-configuration`,
      pathParams: RealmPathParams,
      responses: { 200: ServerMetadata },
      summary: 'Discovery document',
      description:
        "OpenID Connect Discovery location of the realm's OpenID provider metadata: issuer, the authorization, " +
        'token, userinfo, end-session, revocation and introspection endpoints, JWKS URI, grant and response types, ' +
        'authentication methods, scopes, claims and signing algorithms.',
      metadata: publicRoute(TAG),
    },
    authorizationServerMetadataInRealm: {
      method: 'GET',
      path: `${REALM_ISSUER_PATH}/.well-known/oauth-authorization-server`,
      pathParams: RealmPathParams,
      responses: { 200: ServerMetadata },
      summary: 'Authorization server metadata, under the issuer',
      description: 'The same document as the RFC 8414 location, for clients that look under the issuer.',
      metadata: publicRoute(TAG),
    },
    authorizationServerMetadata: {
      method: 'GET',
      path: `/.well-known/oauth-authorization-server${REALM_ISSUER_PATH}`,
      pathParams: RealmPathParams,
      responses: { 200: ServerMetadata },
      summary: 'Authorization server metadata (RFC 8414)',
      description:
        "RFC 8414's location: `/.well-known/oauth-authorization-server` followed by the issuer's path. " +
        'The same document as the discovery document.',
      metadata: publicRoute(TAG),
    },
  }),
  { strictStatusCodes: true, commonResponses: REALM_OAUTH_RESPONSES },
);
