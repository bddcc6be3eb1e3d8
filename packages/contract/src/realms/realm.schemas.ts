import { z } from 'zod';
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

export const Realm = z
  .object({
    id: Id,
    name: RealmName,
    display_name: z.string().nullable(),
    signing_algorithm: SigningAlgorithm.meta({ description: "Algorithm of the realm's active signing key." }),
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
  })
  .meta({ id: 'CreateRealm', example: { name: 'acme', display_name: 'Acme Inc.' } });

export const UpdateRealmBody = z
  .strictObject({
    display_name: z.string().min(1).max(200).nullable().optional(),
    signing_algorithm: SigningAlgorithm.optional().meta({
      description: 'A different algorithm rotates to a new key of it; the old key keeps verifying its tokens.',
    }),
  })
  .meta({ id: 'UpdateRealm', example: { display_name: 'Acme Corporation' } });
