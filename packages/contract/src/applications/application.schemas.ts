import { z } from 'zod';
import { MAX_CLIENT_JWKS_KEYS } from '../common/limits.ts';
import { Id, Timestamp } from '../common/primitives.ts';
import { ApplicationAuthMethod, ApplicationType, CLIENT_ASSERTION_ALGORITHMS, GrantTypes } from './client-metadata.ts';

export const MAX_REDIRECT_URIS = 20;

/** Checked per type by the server (422): see `redirect_uris` in {@link CreateApplicationBody}. */
const RedirectUris = z
  .array(z.string().min(1).max(2048))
  .max(MAX_REDIRECT_URIS)
  .meta({
    description:
      'Absolute URIs without fragments. `spa`, `traditional`: https, or http on a loopback host. ' +
      '`native`: also private-use schemes (`com.example.app:/callback`). `m2m`: none.',
    example: ['https://myapp.com/callback'],
  });

/** Checked per type by the server (422), like `redirect_uris`: where RP-initiated logout may return. */
const PostLogoutRedirectUris = RedirectUris.meta({
  description:
    'Where the end-session endpoint may send the user after logout (OIDC RP-Initiated Logout ' +
    '`post_logout_redirect_uri`, matched exactly). The same rules as `redirect_uris`.',
  example: ['https://myapp.com/'],
});

/**
 * A public key of an application (RFC 7517). The server checks each (422): a public RSA, EC or OKP
 * key it can import, no private members, a `kid` unique in the set.
 */
export const ClientJwk = z
  .looseObject({
    kty: z.enum(['RSA', 'EC', 'OKP']),
    kid: z.string().min(1).max(256).optional(),
    alg: z.enum(CLIENT_ASSERTION_ALGORITHMS).optional(),
    use: z.literal('sig').optional(),
  })
  .meta({ id: 'ClientJwk', description: 'A public JSON Web Key (RFC 7517) the application signs assertions with.' });

/** RFC 7591 `jwks`: the application's public keys, inline. */
export const ClientJwks = z.strictObject({ keys: z.array(ClientJwk).min(1).max(MAX_CLIENT_JWKS_KEYS) }).meta({
  id: 'ClientJwks',
  description:
    `RFC 7591 \`jwks\`: up to ${MAX_CLIENT_JWKS_KEYS} public keys (several during a rotation) that verify the ` +
    "application's `private_key_jwt` assertions (RS256, PS256, ES256 or EdDSA), found by the assertion's `kid`. " +
    'Not with `jwks_uri`; confidential types only.',
});

export type ClientJwks = z.infer<typeof ClientJwks>;

/** RFC 7591 `jwks_uri`: where the application publishes its public keys. */
const ClientJwksUri = z
  .string()
  .max(2048)
  .meta({
    description:
      "RFC 7591 `jwks_uri`: an https URL serving the application's JWK Set, fetched when an assertion arrives " +
      '(cached; again for an unknown `kid`). Never a loopback, link-local or private-range address. Not with `jwks`.',
    example: 'https://myapp.example.com/.well-known/jwks.json',
  });

/** RFC 9449 §5.2 client metadata. */
const DpopBoundAccessTokens = z.boolean().meta({
  description:
    'RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request of this client must carry a DPoP proof, so all ' +
    'its access tokens are bound to its key. Default false: a proof is optional (with one, the token is bound).',
});
const RequireDpopNonceForClient = z.boolean().meta({
  description:
    "This client's DPoP proofs must carry a server nonce (RFC 9449 §8), as when its realm sets `require_dpop_nonce`. " +
    'Default false.',
});

const ApplicationName = z.string().trim().min(1).max(256);
const Description = z.string().max(1024);

export const Application = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string().nullable(),
    type: ApplicationType,
    client_id: z.string().meta({ description: 'Generated, URL-safe, unique.', example: 'Yc3lP0wq9xQhJ1u2mN4bZA' }),
    redirect_uris: z.array(z.string()),
    post_logout_redirect_uris: z.array(z.string()),
    grant_types: GrantTypes,
    token_endpoint_auth_method: ApplicationAuthMethod,
    jwks: ClientJwks.nullable(),
    jwks_uri: ClientJwksUri.nullable(),
    dpop_bound_access_tokens: DpopBoundAccessTokens,
    require_dpop_nonce: RequireDpopNonceForClient,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Application' });
export type Application = z.infer<typeof Application>;

const ClientSecret = z.string().meta({
  description: 'Shown only in this response: Realmkit keeps a keyed hash of it, never the secret.',
  example: 'q8VfX2Jk1c0n6Zr4u9WmYbHs3LdTeAoPi5Kg7NjQwRE',
});

/** The create response: a confidential application's secret, once. */
export const CreatedApplication = Application.extend({ client_secret: ClientSecret.optional() }).meta({
  id: 'CreatedApplication',
});

/** The rotate-secret response: the new secret, and when the previous one stops working. */
export const ApplicationWithSecret = Application.extend({
  client_secret: ClientSecret,
  previous_client_secret_expires_at: Timestamp.meta({
    description:
      'When the previous secret stops authenticating: the rotation time without a grace period, else that ' +
      'time plus `grace_period_seconds`.',
  }),
}).meta({ id: 'ApplicationWithSecret' });

/** Seven days: long enough to roll a secret out to every instance of a client, short enough to end. */
export const MAX_SECRET_GRACE_PERIOD_SECONDS = 604_800;

export const RotateSecretBody = z
  .strictObject({
    grace_period_seconds: z
      .int()
      .min(0)
      .max(MAX_SECRET_GRACE_PERIOD_SECONDS)
      .optional()
      .meta({
        description:
          `How long the previous secret keeps authenticating, 0..${MAX_SECRET_GRACE_PERIOD_SECONDS} s (7 days); ` +
          'default 0: it stops at once. A secret still in an earlier grace period stops at once.',
      }),
  })
  .meta({ id: 'RotateSecret', example: { grace_period_seconds: 86400 } });
export type RotateSecretBody = z.infer<typeof RotateSecretBody>;

export const CreateApplicationBody = z
  .strictObject({
    name: ApplicationName,
    description: Description.optional(),
    type: ApplicationType,
    redirect_uris: RedirectUris.default([]),
    post_logout_redirect_uris: PostLogoutRedirectUris.default([]),
    grant_types: GrantTypes.optional(),
    token_endpoint_auth_method: ApplicationAuthMethod.optional(),
    jwks: ClientJwks.optional(),
    jwks_uri: ClientJwksUri.optional(),
    dpop_bound_access_tokens: DpopBoundAccessTokens.optional(),
    require_dpop_nonce: RequireDpopNonceForClient.optional(),
  })
  .meta({
    id: 'CreateApplication',
    example: { name: 'My SPA', type: 'spa', redirect_uris: ['https://myapp.com/callback'] },
  });
export type CreateApplicationBody = z.infer<typeof CreateApplicationBody>;

export const UpdateApplicationBody = z
  .strictObject({
    name: ApplicationName.optional(),
    description: Description.nullable().optional(),
    redirect_uris: RedirectUris.optional(),
    post_logout_redirect_uris: PostLogoutRedirectUris.optional(),
    grant_types: GrantTypes.optional(),
    token_endpoint_auth_method: ApplicationAuthMethod.optional(),
    jwks: ClientJwks.nullable().optional(),
    jwks_uri: ClientJwksUri.nullable().optional(),
    dpop_bound_access_tokens: DpopBoundAccessTokens.optional(),
    require_dpop_nonce: RequireDpopNonceForClient.optional(),
  })
  .meta({
    id: 'UpdateApplication',
    description: 'The type and client id are immutable.',
    example: { name: 'My SPA (production)' },
  });
export type UpdateApplicationBody = z.infer<typeof UpdateApplicationBody>;
