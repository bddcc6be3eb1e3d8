import { z } from 'zod';
import { OAUTH_ERROR_CODES } from './oauth-errors.ts';

/**
 * The token request as RFC 6749 §4.4 and RFC 8707 define it. Fields are checked by the
 * token endpoint itself so that every failure is an RFC 6749 error, not a generic 400.
 */
export const TokenRequest = z
  .object({
    grant_type: z.string().meta({ description: 'Must be `client_credentials`.', example: 'client_credentials' }),
    client_id: z.string().optional().meta({ description: 'With `client_secret_post`.' }),
    client_secret: z.string().optional().meta({ description: 'With `client_secret_post`.' }),
    scope: z.string().optional().meta({ description: 'Space-separated scopes; default: every scope granted.' }),
    resource: z
      .string()
      .optional()
      .meta({ description: "RFC 8707 resource indicator; default: the realm's Management API." }),
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

export const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
    scope: z.string(),
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
  })
  .meta({
    id: 'IntrospectionRequest',
    example: { token: 'eyJhbGciOiJSUzI1NiJ9...', token_type_hint: 'access_token' },
  });

/**
 * RFC 7662 §2.2. An inactive token (invalid, expired, of another realm, of a deleted application
 * or resource) is only `{ "active": false }`: the answer never says why.
 */
export const IntrospectionResponse = z
  .object({
    active: z.boolean(),
    scope: z.string().optional(),
    client_id: z.string().optional(),
    token_type: z.literal('Bearer').optional(),
    exp: z.number().int().optional(),
    iat: z.number().int().optional(),
    nbf: z.number().int().optional(),
    sub: z.string().optional(),
    aud: z.string().optional(),
    iss: z.string().optional(),
    jti: z.string().optional(),
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
    scopes_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
    introspection_endpoint: z.string(),
    introspection_endpoint_auth_methods_supported: z.array(z.string()),
    id_token_signing_alg_values_supported: z.array(z.string()).meta({
      description: "Algorithms of the realm's published keys (the active key's first): what its access tokens use.",
    }),
  })
  .meta({ id: 'AuthorizationServerMetadata' });
