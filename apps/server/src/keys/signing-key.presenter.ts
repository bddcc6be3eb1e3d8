import type { SigningKey as SigningKeyBody } from '@realmkit/contract';
import type { SigningKey } from './signing-key.entity.ts';

/** The API shape of a signing key: public facts only, never key material. */
export function presentSigningKey(key: SigningKey): SigningKeyBody {
  return {
    kid: key.kid,
    alg: key.algorithm,
    status: key.status,
    created_at: key.createdAt.toISOString(),
    retires_at: key.expiresAt?.toISOString() ?? null,
  };
}
