import { z } from 'zod';
import { JWT_BEARER_ASSERTION_TYPE } from '../applications/client-metadata.ts';
import { CLIENT_ASSERTION_MAX_LENGTH } from '../common/limits.ts';
import { DPOP_SCHEME } from './dpop.ts';
import { OAUTH_ERROR_CODES } from './oauth-errors.ts';
import { ACCESS_TOKEN_TYPE_URN, EXCHANGEABLE_TOKEN_TYPES, TOKEN_EXCHANGE_GRANT_TYPE } from './token-exchange.ts';

/** RFC 7523 §2.2 client authentication: the two form fields of `private_key_jwt` and federated credentials. */
const ClientAssertionFields = {
  client_assertion_type: z
    .string()
    .optional()
    .meta({ description: `With a client assertion: \`${JWT_BEARER_ASSERTION_TYPE}\`.` }),
  client_assertion: z
    .string()
    .max(CLIENT_ASSERTION_MAX_LENGTH)
    .optional()
    .meta({
      description:
        '`private_key_jwt`: a JWT signed by a key of the application (`iss` = `sub` = client_id, `aud` = the ' +
        "issuer, `exp` at most 5 minutes ahead, a fresh `jti`); or a token of a federated credential's issuer.",
    }),
};

const exchangeableTypes = EXCHANGEABLE_TOKEN_TYPES.map((type) => `\`${type}\``).join(' or ');

/**
 * The token request as RFC 6749 §4.1.3, §4.4 and §6, RFC 7636, RFC 8707 and RFC 8693 §2.1 define
 * it. Fields are checked by the token endpoint itself so that every failure is an RFC 6749 error,
 * not a generic 400.
 */
export const TokenRequest = z
  .object({
    grant_type: z.string().meta({
      description: `\`authorization_code\`, \`client_credentials\`, \`refresh_token\` or \`${TOKEN_EXCHANGE_GRANT_TYPE}\`.`,
      example: 'client_credentials',
    }),
    client_id: z
      .string()
      .optional()
      .meta({ description: 'With `client_secret_post`, and for public clients (`none`).' }),
    client_secret: z.string().optional().meta({ description: 'With `client_secret_post`.' }),
    ...ClientAssertionFields,
    scope: z
      .string()
      .optional()
      .meta({
        description:
          'Space-separated scopes. client_credentials: default every scope granted. refresh_token: a subset of the ' +
          "original grant's, default all of them. Token exchange: narrows the new token's scopes, default all " +
          'that may be granted.',
      }),
    resource: z
      .string()
      .optional()
      .meta({
        description:
          "RFC 8707 resource indicator. client_credentials: default the realm's Management API. Token exchange: the " +
          "target, default the subject token's audience.",
      }),
    code: z.string().optional().meta({ description: 'authorization_code: the code the authorization endpoint gave.' }),
    redirect_uri: z
      .string()
      .optional()
      .meta({ description: 'authorization_code: the redirect_uri of the authorization request, exactly.' }),
    code_verifier: z
      .string()
      .optional()
      .meta({ description: "authorization_code: the RFC 7636 PKCE verifier of the request's S256 code_challenge." }),
    refresh_token: z.string().optional().meta({ description: 'refresh_token: the refresh token to use (and rotate).' }),
    subject_token: z
      .string()
      .optional()
      .meta({
        description:
          "Token exchange (RFC 8693 §2.1): an access token of this realm, a user's or an application's, that the new " +
          'token acts for.',
      }),
    subject_token_type: z
      .string()
      .optional()
      .meta({ description: `Token exchange: the subject_token's type, ${exchangeableTypes}.` }),
    actor_token: z
      .string()
      .optional()
      .meta({
        description:
          "Token exchange: an access token of this realm issued to the requesting client (its own, or a user's signed " +
          "in to it), naming who acts (the new token's `act`); default: the requesting client.",
      }),
    actor_token_type: z
      .string()
      .optional()
      .meta({ description: `Token exchange: with actor_token only, its type, ${exchangeableTypes}.` }),
    audience: z
      .string()
      .optional()
      .meta({
        description:
          "Token exchange: the target by its logical name (RFC 8693 §2.1), a resource's indicator; the same as " +
          '`resource` when both are sent.',
      }),
    requested_token_type: z
      .string()
      .optional()
      .meta({ description: `Token exchange: \`${ACCESS_TOKEN_TYPE_URN}\`, the only type issued.` }),
  })
  .meta({
    id: 'TokenRequest',
    example: {
      grant_type: 'client_credentials',
      client_id: 'YOUR_CLIENT_ID',
      client_secret: 'YOUR_CLIENT_SECRET',
      scope: 'users:read users:write roles:read',
    },
  });

/** RFC 7800 §3.1 `cnf` of a DPoP-bound token: the RFC 7638 thumbprint of its key (RFC 9449 §6.1). */
export const Confirmation = z
  .object({ jkt: z.string().meta({ description: "RFC 7638 SHA-256 thumbprint of the client's DPoP public key." }) })
  .meta({ id: 'Confirmation' });

/** `Bearer`, or `DPoP` when the request carried a DPoP proof and the token is bound to its key (RFC 9449 §5). */
const AccessTokenType = z.enum(['Bearer', DPOP_SCHEME]);

export const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: AccessTokenType.meta({
      description:
        '`DPoP` when the request carried a DPoP proof (RFC 9449 §5): send the token as `Authorization: DPoP <token>` ' +
        'with a proof of the same key. Else `Bearer`.',
    }),
    expires_in: z.number().int(),
    scope: z.string(),
    id_token: z.string().optional().meta({ description: 'OpenID Connect ID token, when `openid` was granted.' }),
    refresh_token: z
      .string()
      .optional()
      .meta({
        description:
          'When `offline_access` was granted to a client with the refresh_token grant. Single use: each refresh ' +
          'answers a new one, and using an old one again revokes them all (RFC 9700 §4.14).',
      }),
    issued_token_type: z
      .literal(ACCESS_TOKEN_TYPE_URN)
      .optional()
      .meta({ description: 'Token exchange (RFC 8693 §2.2.1): the type of the token issued, an access token.' }),
  })
  .meta({
    id: 'TokenResponse',
    example: {
      access_token: 'eyJhbGciOiJSUzI1NiJ9...',
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'users:read users:write roles:read',
    },
  });
export type TokenResponse = z.infer<typeof TokenResponse>;

/** RFC 7662 §2.1: the token to introspect, sent by an authenticated confidential client. */
export const IntrospectionRequest = z
  .object({
    token: z.string().meta({ description: 'The access token to look at.' }),
    token_type_hint: z
      .string()
      .optional()
      .meta({ description: 'Optional; Realmkit issues access tokens only, so the hint changes nothing.' }),
    client_id: z.string().optional().meta({ description: 'With `client_secret_post`.' }),
    client_secret: z.string().optional().meta({ description: 'With `client_secret_post`.' }),
    ...ClientAssertionFields,
  })
  .meta({
    id: 'IntrospectionRequest',
    example: { token: 'eyJhbGciOiJSUzI1NiJ9...', token_type_hint: 'access_token' },
  });

/**
 * RFC 8693 §4.1 `act`: who acts for the token's subject, and, nested, who acted before them (the
 * outermost is the current actor).
 */
export interface Actor {
  sub: string;
  act?: Actor;
}
export const Actor: z.ZodType<Actor> = z
  .object({
    sub: z.string().meta({ description: 'The actor: a client_id, or the id of a user signed in to that client.' }),
    get act() {
      return Actor.optional().meta({ description: 'The actor before this one, when the token was exchanged again.' });
    },
  })
  .meta({ id: 'Actor' });

/**
 * RFC 7662 §2.2. An inactive token (invalid, expired, of another realm, of a deleted application
 * or resource) is only `{ "active": false }`: the answer never says why.
 */
export const IntrospectionResponse = z
  .object({
    active: z.boolean(),
    scope: z.string().optional(),
    client_id: z.string().optional(),
    token_type: AccessTokenType.optional(),
    exp: z.number().int().optional(),
    iat: z.number().int().optional(),
    nbf: z.number().int().optional(),
    sub: z.string().optional(),
    aud: z.string().optional(),
    iss: z.string().optional(),
    jti: z.string().optional(),
    cnf: Confirmation.optional().meta({
      description: 'A DPoP-bound token: the thumbprint of its key (RFC 9449 §6.2).',
    }),
    act: Actor.optional().meta({
      description: 'A token from a token exchange (RFC 8693 §4.1): who acts for `sub`, the requesting client first.',
    }),
  })
  .meta({
    id: 'IntrospectionResponse',
    example: {
      active: true,
      scope: 'read:posts',
      client_id: 'Yc3lP0wq9xQhJ1u2mN4bZA',
      token_type: 'Bearer',
      exp: 1767225600,
      iat: 1767222000,
      sub: 'Yc3lP0wq9xQhJ1u2mN4bZA',
      aud: 'https://api.myapp.com',
      iss: 'https://auth.example.com/oauth2/acme',
      jti: '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20',
    },
  });
export type IntrospectionResponse = z.infer<typeof IntrospectionResponse>;

/** RFC 7009 §2.1: the token to revoke, sent by its client (public clients send `client_id`). */
export const RevocationRequest = z
  .object({
    token: z.string().meta({ description: 'A refresh token or an access token of this client.' }),
    token_type_hint: z
      .string()
      .optional()
      .meta({ description: '`refresh_token` or `access_token`: where to look first; both are looked at.' }),
    client_id: z.string().optional().meta({ description: 'With `client_secret_post`, and for public clients.' }),
    client_secret: z.string().optional().meta({ description: 'With `client_secret_post`.' }),
  })
  .meta({ id: 'RevocationRequest', example: { token: 'Zq3...', token_type_hint: 'refresh_token' } });

/**
 * OIDC Core §5.3.2: the user's claims that the access token's scopes release (`sub` always;
 * `profile` and `email` as OIDC Core §5.4 lists them).
 */
export const UserInfo = z
  .object({
    sub: z.string().meta({ description: "The user's id." }),
    name: z.string().optional(),
    given_name: z.string().optional(),
    family_name: z.string().optional(),
    preferred_username: z.string().optional(),
    updated_at: z.number().int().optional().meta({ description: 'Seconds since the epoch.' }),
    email: z.string().optional(),
    email_verified: z.boolean().optional(),
  })
  .meta({
    id: 'UserInfo',
    example: {
      sub: '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20',
      name: 'Ada Lovelace',
      preferred_username: 'ada',
      email: 'ada@example.com',
      email_verified: true,
    },
  });
export type UserInfo = z.infer<typeof UserInfo>;

/** RFC 6749 §5.2 error, with `message` too so that it reads like every other Realmkit error. */
export const OAuthErrorBody = z
  .object({
    error: z.enum(OAUTH_ERROR_CODES),
    error_description: z.string(),
    message: z.string(),
  })
  .meta({ id: 'OAuthError' });
export type OAuthErrorBody = z.infer<typeof OAuthErrorBody>;

export const Jwk = z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.string() });
export const Jwks = z.object({ keys: z.array(Jwk) }).meta({ id: 'JWKS' });

/** RFC 8414 authorization server metadata (the subset Realmkit serves). */
export const ServerMetadata = z
  .looseObject({
    issuer: z.string(),
    token_endpoint: z.string(),
    jwks_uri: z.string(),
    grant_types_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    token_endpoint_auth_signing_alg_values_supported: z.array(z.string()),
    scopes_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
    introspection_endpoint: z.string(),
    introspection_endpoint_auth_methods_supported: z.array(z.string()),
    introspection_endpoint_auth_signing_alg_values_supported: z.array(z.string()),
    dpop_signing_alg_values_supported: z
      .array(z.string())
      .meta({ description: 'RFC 9449 §5.1: what DPoP proofs may be signed with.' }),
    id_token_signing_alg_values_supported: z.array(z.string()).meta({
      description: "Algorithms of the realm's published keys (the active key's first): what its tokens use.",
    }),
    authorization_endpoint: z.string(),
    userinfo_endpoint: z.string(),
    end_session_endpoint: z.string(),
    revocation_endpoint: z.string(),
    revocation_endpoint_auth_methods_supported: z.array(z.string()),
    code_challenge_methods_supported: z.array(z.string()),
    response_modes_supported: z.array(z.string()),
    prompt_values_supported: z.array(z.string()),
    claims_supported: z.array(z.string()),
    subject_types_supported: z.array(z.string()),
    authorization_response_iss_parameter_supported: z.boolean(),
  })
  .meta({ id: 'AuthorizationServerMetadata' });
