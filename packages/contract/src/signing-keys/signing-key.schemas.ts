import { z } from 'zod';
import { Timestamp } from '../common/primitives.ts';

/** JWS algorithms a realm can sign its access tokens with (RFC 7518, RFC 8037 for EdDSA on Ed25519). */
export const SIGNING_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export const DEFAULT_SIGNING_ALGORITHM = 'RS256';

export const SigningAlgorithm = z.enum(SIGNING_ALGORITHMS).meta({
  description: 'RS256 (RSA 2048, the default), ES256 (ECDSA P-256) or EdDSA (Ed25519).',
  example: 'ES256',
});
export type SigningAlgorithm = z.infer<typeof SigningAlgorithm>;

/** A realm's signing key as the Management API shows it: never private material. */
export const SigningKey = z
  .object({
    kid: z.string().meta({ description: 'Key id (RFC 7638 thumbprint), the `kid` of the tokens it signs.' }),
    alg: SigningAlgorithm,
    status: z.enum(['active', 'retiring']).meta({
      description: '`active` signs new tokens; `retiring` only verifies tokens it signed until `retires_at`.',
    }),
    created_at: Timestamp,
    retires_at: Timestamp.nullable().meta({
      description:
        'When a retiring key leaves the JWKS: after the last token it signed has expired. `null` while active.',
    }),
  })
  .meta({ id: 'SigningKey' });
export type SigningKey = z.infer<typeof SigningKey>;

/** `{ data: [...] }`: a realm's few published keys, newest first, never paged. */
export const SigningKeyList = z.object({ data: z.array(SigningKey) }).meta({ id: 'SigningKeyList' });

export const RotateKeysBody = z
  .strictObject({
    algorithm: SigningAlgorithm.optional().meta({
      description: "Algorithm of the new key; default: the realm's `signing_algorithm`, which it then becomes.",
    }),
  })
  .meta({ id: 'RotateKeys', example: { algorithm: 'EdDSA' } });
export type RotateKeysBody = z.infer<typeof RotateKeysBody>;
