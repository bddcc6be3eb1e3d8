import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH_MAX, SIGNING_ALGORITHMS } from '@realmkit/contract';
import { versionAndTimestamps } from '../db/row-version.ts';

export const RealmEntity = defineEntity({
  name: 'Realm',
  tableName: 'realms',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    displayName: p.text().nullable(),
    /** The algorithm of the realm's active signing key; changing it rotates the key. */
    signingAlgorithm: p.enum(SIGNING_ALGORITHMS).default('RS256'),
    /** Whether sign-in holds users whose email is not verified at a verification page. */
    requireVerifiedEmail: p.boolean().default(false),
    /** Whether DPoP proofs sent to this realm must carry a server nonce (RFC 9449 §8, §9). */
    requireDpopNonce: p.boolean().default(false),
    /** The password policy (the contract's `PasswordPolicy`): the fewest characters of a password, */
    passwordMinLength: p.integer().default(PASSWORD_MIN_LENGTH),
    /** and whether common and breached passwords are refused. */
    passwordRefuseBreached: p.boolean().default(true),
    ...versionAndTimestamps(),
  },
  uniques: [{ name: 'realms_name_unique', properties: ['name'] }],
  checks: [
    {
      name: 'realms_password_min_length_check',
      expression: `password_min_length >= ${PASSWORD_MIN_LENGTH} and password_min_length <= ${PASSWORD_MIN_LENGTH_MAX}`,
    },
  ],
});
export type Realm = InferEntity<typeof RealmEntity>;
