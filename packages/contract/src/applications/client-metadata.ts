import { z } from 'zod';
import { TOKEN_EXCHANGE_GRANT_TYPE } from '../oauth/token-exchange.ts';

export const APPLICATION_TYPES = ['spa', 'native', 'traditional', 'm2m'] as const;
export const ApplicationType = z.enum(APPLICATION_TYPES).meta({
  id: 'ApplicationType',
  description:
    '`traditional` and `m2m` are confidential (they get a client secret), `spa` and `native` are public. ' +
    '`spa`, `native` and `traditional` sign users in (authorization code with PKCE, refresh tokens); only `m2m` ' +
    'may use client_credentials and hold roles. The confidential types may also use token exchange (RFC 8693), ' +
    'when their `grant_types` name it.',
});
export type ApplicationType = z.infer<typeof ApplicationType>;

/**
 * The grant types (RFC 6749 `grant_type`) the token endpoint serves: each is one module of the
 * server's grant registry, and discovery's `grant_types_supported` lists them.
 */
export const GRANT_TYPES = [
  'authorization_code',
  'client_credentials',
  'refresh_token',
  TOKEN_EXCHANGE_GRANT_TYPE,
] as const;
export const GrantType = z.enum(GRANT_TYPES).meta({ id: 'GrantType' });
export type GrantType = z.infer<typeof GrantType>;

/**
 * How a client authenticates at the token and introspection endpoints (RFC 7591 §2
 * `token_endpoint_auth_method`): each is one module of the server's client authentication
 * registry, and discovery's `token_endpoint_auth_methods_supported` lists them.
 */
export const TOKEN_ENDPOINT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
] as const;
export const TokenEndpointAuthMethod = z.enum(TOKEN_ENDPOINT_AUTH_METHODS).meta({ id: 'TokenEndpointAuthMethod' });
export type TokenEndpointAuthMethod = z.infer<typeof TokenEndpointAuthMethod>;

/**
 * The methods that prove a client secret. A client registered with one of them may send its
 * secret either way, in the `Authorization` header or in the form (decision 0018: Keycloak's
 * "client secret" authenticator does the same, and clients written before the setting existed
 * keep working).
 */
export const CLIENT_SECRET_METHODS = [
  'client_secret_basic',
  'client_secret_post',
] as const satisfies readonly TokenEndpointAuthMethod[];

/**
 * RFC 7523 §2.2's `client_assertion_type`: the client proves itself with a JWT, signed by its own
 * key (`private_key_jwt`, OIDC Core §9) or issued to the workload by a trusted platform (a
 * federated credential).
 */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The algorithms a client assertion may be signed with (discovery's
 * `token_endpoint_auth_signing_alg_values_supported`): asymmetric only, never `none` or HMAC, whose
 * key would be a shared secret again.
 */
export const CLIENT_ASSERTION_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type ClientAssertionAlgorithm = (typeof CLIENT_ASSERTION_ALGORITHMS)[number];

/** What each application type may register, and what it gets when the request names nothing. */
export interface ClientRules {
  readonly grantTypes: readonly GrantType[];
  readonly authMethods: readonly TokenEndpointAuthMethod[];
  readonly defaults: {
    readonly grant_types: readonly GrantType[];
    readonly token_endpoint_auth_method: TokenEndpointAuthMethod;
  };
}

/** The grants of applications that sign users in: the code flow, and refresh tokens (issued only for `offline_access`). */
export const SIGN_IN_GRANT_TYPES = ['authorization_code', 'refresh_token'] as const satisfies readonly GrantType[];

/**
 * Per application type: confidential types (`traditional`, `m2m`) prove a secret, or a key
 * (`private_key_jwt`: their own keys, or a federated credential's issuer); public ones
 * (`spa`, `native`: code in a browser or on a device, which can keep no secret) use `none`. Only
 * `m2m` may use `client_credentials` (RFC 6749 §4.4: confidential clients, acting for themselves);
 * the others sign users in. Token exchange (RFC 8693) is for confidential types only, and in no
 * type's defaults: an application acts for others only once its `grant_types` say so.
 */
export const CLIENT_RULES: Readonly<Record<ApplicationType, ClientRules>> = {
  m2m: {
    grantTypes: ['client_credentials', TOKEN_EXCHANGE_GRANT_TYPE],
    authMethods: [...CLIENT_SECRET_METHODS, 'private_key_jwt'],
    defaults: { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' },
  },
  traditional: {
    grantTypes: [...SIGN_IN_GRANT_TYPES, TOKEN_EXCHANGE_GRANT_TYPE],
    authMethods: [...CLIENT_SECRET_METHODS, 'private_key_jwt'],
    defaults: { grant_types: SIGN_IN_GRANT_TYPES, token_endpoint_auth_method: 'client_secret_basic' },
  },
  spa: {
    grantTypes: SIGN_IN_GRANT_TYPES,
    authMethods: ['none'],
    defaults: { grant_types: SIGN_IN_GRANT_TYPES, token_endpoint_auth_method: 'none' },
  },
  native: {
    grantTypes: SIGN_IN_GRANT_TYPES,
    authMethods: ['none'],
    defaults: { grant_types: SIGN_IN_GRANT_TYPES, token_endpoint_auth_method: 'none' },
  },
};

function describeRules(pick: (rules: ClientRules) => readonly string[]): string {
  return Object.entries(CLIENT_RULES)
    .map(
      ([type, rules]) =>
        `\`${type}\`: ${
          pick(rules)
            .map((value) => `\`${value}\``)
            .join(', ') || 'none'
        }`,
    )
    .join('; ');
}

/** RFC 7591 `grant_types`: which grants the application may use at the token endpoint. */
export const GrantTypes = z
  .array(GrantType)
  .max(GRANT_TYPES.length)
  .meta({
    description:
      `RFC 7591 \`grant_types\`: the grants this application may use; another is refused with \`unauthorized_client\`. ` +
      `Allowed per type (422 otherwise) — ${describeRules((rules) => rules.grantTypes)}. ` +
      `Default — ${describeRules((rules) => rules.defaults.grant_types)}.`,
    example: ['client_credentials'],
  });

/** RFC 7591 `token_endpoint_auth_method`. */
export const ApplicationAuthMethod = TokenEndpointAuthMethod.meta({
  description:
    'RFC 7591 `token_endpoint_auth_method`: how the application authenticates at the token endpoint. ' +
    `Allowed per type (422 otherwise) — ${describeRules((rules) => rules.authMethods)}; the first is the default. ` +
    'A client registered with either secret method may send its secret either way. `private_key_jwt` (RFC 7523 ' +
    '§2.2) is then the only method the client may use: a JWT assertion signed by a key of its `jwks` or ' +
    '`jwks_uri`, or issued by the platform of one of its federated credentials.',
  example: 'client_secret_basic',
});
