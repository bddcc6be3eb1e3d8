import type { Realm as RealmBody } from '@realmkit/contract';
import type { Realm } from './realm.entity.ts';

export function presentRealm(realm: Realm): RealmBody {
  return {
    id: realm.id,
    name: realm.name,
    display_name: realm.displayName ?? null,
    signing_algorithm: realm.signingAlgorithm,
    require_verified_email: realm.requireVerifiedEmail,
    require_dpop_nonce: realm.requireDpopNonce,
    password_policy: { min_length: realm.passwordMinLength, refuse_breached: realm.passwordRefuseBreached },
    created_at: realm.createdAt.toISOString(),
    updated_at: realm.updatedAt.toISOString(),
  };
}
