import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH_MAX } from '../common/limits.ts';
import { Id, Timestamp } from '../common/primitives.ts';
import { SigningAlgorithm } from '../signing-keys/signing-key.schemas.ts';

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A realm name: a lowercase slug that can never be mistaken for a UUID in a path. */
export const RealmName = z
  .string()
  .regex(
    /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
    'must be 1-63 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen',
  )
  .refine((name) => !UUID_SHAPE.test(name), 'must not look like a UUID')
  .meta({ example: 'acme' });

const MinLength = z
  .int()
  .min(PASSWORD_MIN_LENGTH)
  .max(PASSWORD_MIN_LENGTH_MAX)
  .meta({
    description:
      `The fewest characters (Unicode code points) a password may have, ${PASSWORD_MIN_LENGTH}..${PASSWORD_MIN_LENGTH_MAX}; ` +
      `default ${PASSWORD_MIN_LENGTH}. Every realm allows at most ${PASSWORD_MAX_LENGTH}.`,
  });

const RefuseBreached = z.boolean().meta({
  description:
    'Refuse passwords found in a list of common and breached passwords (shipped with the server and checked ' +
    'offline, ignoring case). Default true.',
});

/**
 * What a password set in the realm must be (creating a user, changing or resetting a password): at
 * least `min_length` characters, not the user's email and, with `refuse_breached`, not a common or
 * breached password. No composition rules (NIST SP 800-63B). Imported hashes are not checked.
 */
export const PasswordPolicy = z.object({ min_length: MinLength, refuse_breached: RefuseBreached }).meta({
  id: 'PasswordPolicy',
  description:
    'What a password set in the realm must be: at least `min_length` characters, not the email and, with ' +
    '`refuse_breached`, not a common or breached password. No rules on the kinds of characters.',
});
export type PasswordPolicy = z.infer<typeof PasswordPolicy>;

/** The policy's fields to change, each optional: those left out keep their value (their default at creation). */
const PasswordPolicyChange = z
  .strictObject({ min_length: MinLength.optional(), refuse_breached: RefuseBreached.optional() })
  .meta({
    id: 'PasswordPolicyChange',
    description: 'Fields of `password_policy` to set; those left out keep their value (their default at creation).',
  });
export type PasswordPolicyChange = z.infer<typeof PasswordPolicyChange>;

const RequireVerifiedEmail = z.boolean().meta({
  description: 'Users whose email is not verified are held at a verification page when they sign in. Default false.',
});

const RequireDpopNonce = z.boolean().meta({
  description:
    'DPoP proofs (RFC 9449) sent to this realm, at its token endpoint and its Management API, must carry a nonce the ' +
    'server gave in `DPoP-Nonce` (§8, §9): a proof made in advance cannot be used later. Default false.',
});

export const Realm = z
  .object({
    id: Id,
    name: RealmName,
    display_name: z.string().nullable(),
    signing_algorithm: SigningAlgorithm.meta({ description: "Algorithm of the realm's active signing key." }),
    require_verified_email: RequireVerifiedEmail,
    require_dpop_nonce: RequireDpopNonce,
    password_policy: PasswordPolicy,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Realm' });
export type Realm = z.infer<typeof Realm>;

export const CreateRealmBody = z
  .strictObject({
    name: RealmName.meta({ description: 'Unique, immutable; used in URLs and token issuers.' }),
    display_name: z.string().min(1).max(200).optional(),
    signing_algorithm: SigningAlgorithm.optional().meta({ description: 'Default RS256.' }),
    require_verified_email: RequireVerifiedEmail.optional(),
    require_dpop_nonce: RequireDpopNonce.optional(),
    password_policy: PasswordPolicyChange.optional(),
  })
  .meta({ id: 'CreateRealm', example: { name: 'acme', display_name: 'Acme Inc.' } });

export const UpdateRealmBody = z
  .strictObject({
    display_name: z.string().min(1).max(200).nullable().optional(),
    signing_algorithm: SigningAlgorithm.optional().meta({
      description: 'A different algorithm rotates to a new key of it; the old key keeps verifying its tokens.',
    }),
    require_verified_email: RequireVerifiedEmail.optional(),
    require_dpop_nonce: RequireDpopNonce.optional(),
    password_policy: PasswordPolicyChange.optional(),
  })
  .meta({
    id: 'UpdateRealm',
    example: { display_name: 'Acme Corporation', password_policy: { min_length: 12 } },
  });
