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
  ServerMetadata,
  TokenRequest,
  TokenResponse,
} from './oauth.schemas.ts';

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
      summary: 'Issue an access token (client_credentials)',
      description:
        'Client authentication by `client_secret_basic` or `client_secret_post`. ' +
        "Granted scopes are the requested ones that the application's roles hold for the resource. " +
        'Failures are RFC 6749 errors, `{ error, error_description }`: 401 `invalid_client`, 400 for the others, ' +
        '429 `rate_limited` past the per-client or per-IP rate limit.',
      metadata: publicRoute(TAG, {
        oauthErrors: [
          'invalid_request',
          'invalid_client',
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
      responses: { 200: IntrospectionResponse, 400: OAuthErrorBody, 401: OAuthErrorBody },
      summary: 'Introspect an access token (RFC 7662)',
      description:
        'For resource servers that cannot verify JWTs themselves. The caller authenticates as a confidential ' +
        'client of the realm (`client_secret_basic` or `client_secret_post`). A token of this realm, validly ' +
        'signed, unexpired, of an application and a resource that still exist answers `active: true` with its ' +
        'claims; anything else answers only `{ "active": false }`.',
      metadata: publicRoute(TAG, { oauthErrors: ['invalid_request', 'invalid_client'] }),
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
        "OpenID Connect Discovery location of the realm's authorization server metadata: issuer, token and " +
        'introspection endpoints, JWKS URI, grant types, authentication methods, scopes and signing algorithms.',
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
