import { z } from 'zod';
import { IMPORTED_HASH_LIMITS, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../common/limits.ts';
import { Id, Timestamp } from '../common/primitives.ts';

export const Email = z.email().max(254).meta({ example: 'jane@example.com' });

export const Username = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/,
    'must be 1-128 letters, digits or . _ @ + -, starting with a letter or digit',
  )
  .meta({ example: 'jane' });

/** A given, family or full name. */
export const PersonName = z.string().min(1).max(256);

/** The realm's password policy, as the descriptions of the routes that set a password write it. */
export const PASSWORD_RULES =
  "the realm's `password_policy` applies: at least its `min_length` characters " +
  `(${PASSWORD_MIN_LENGTH} by default) and at most ${PASSWORD_MAX_LENGTH}, not the email, and not a common or ` +
  'breached password unless `refuse_breached` is false; 422 otherwise';

/** A password as sent: the realm's policy answers 422. */
const Password = z.string().meta({ description: `Plain text; ${PASSWORD_RULES}.` });

export const User = z
  .object({
    id: Id,
    email: Email,
    username: z.string().nullable(),
    name: z.string().nullable(),
    given_name: z.string().nullable(),
    family_name: z.string().nullable(),
    is_suspended: z.boolean(),
    email_verified: z.boolean(),
    has_password: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof User>;

export const CreateUserBody = z
  .strictObject({
    email: Email,
    username: Username.optional(),
    name: PersonName.optional(),
    given_name: PersonName.optional(),
    family_name: PersonName.optional(),
    password: Password.optional(),
    password_digest: z
      .string()
      .min(1)
      .max(1024)
      .optional()
      .meta({
        description:
          'An existing hash to import instead of `password`: bcrypt (`$2a$`, `$2b$`, `$2y$`) or argon2id (PHC string). ' +
          'A bcrypt hash is replaced by argon2id at the next successful password check. Its cost is bounded ' +
          `(422 otherwise): bcrypt cost at most ${IMPORTED_HASH_LIMITS.bcryptMaxCost}; argon2id memory at most ` +
          `${IMPORTED_HASH_LIMITS.argon2idMaxMemoryKiB} KiB, time at most ${IMPORTED_HASH_LIMITS.argon2idMaxTimeCost}, ` +
          `parallelism at most ${IMPORTED_HASH_LIMITS.argon2idMaxParallelism}.`,
      }),
    password_algorithm: z
      .enum(['bcrypt', 'argon2id'])
      .optional()
      .meta({ description: 'Required with `password_digest`.' }),
    email_verified: z.boolean().optional(),
    is_suspended: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    if (body.password !== undefined && body.password_digest !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['password_digest'],
        message: 'Send password or password_digest, not both',
      });
    }
    if ((body.password_digest === undefined) !== (body.password_algorithm === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['password_algorithm'],
        message: 'password_digest and password_algorithm go together',
      });
    }
  })
  .meta({ id: 'CreateUser', example: { email: 'jane@example.com', name: 'Jane Doe', password: 'securePassword123' } });
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z
  .strictObject({
    email: Email.optional(),
    username: Username.nullable().optional(),
    name: PersonName.nullable().optional(),
    given_name: PersonName.nullable().optional(),
    family_name: PersonName.nullable().optional(),
    email_verified: z.boolean().optional(),
  })
  .meta({
    id: 'UpdateUser',
    description: 'Changing `email` resets `email_verified` to false unless it is sent too.',
    example: { name: 'Jane Smith' },
  });
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const SetPasswordBody = z
  .strictObject({ password: Password })
  .meta({ id: 'SetPassword', example: { password: 'newSecurePassword456' } });

export const VerifyPasswordBody = z
  .strictObject({ password: z.string().max(1024) })
  .meta({ id: 'VerifyPassword', example: { password: 'securePassword123' } });

export const SetSuspendedBody = z
  .strictObject({ is_suspended: z.boolean() })
  .meta({ id: 'SetSuspended', example: { is_suspended: true } });

export const UserIdentity = z
  .object({
    id: Id,
    provider: z.string(),
    provider_user_id: z.string(),
    details: z.record(z.string(), z.unknown()),
    created_at: Timestamp,
  })
  .meta({ id: 'UserIdentity' });

/** `GET /users/{id}/sign-in-failures`: what the server counts of a user's failed sign-ins. */
export const SignInFailures = z
  .object({
    failures: z
      .int()
      .min(0)
      .meta({
        description:
          'Failed sign-ins on the account from every client address, counted from the first of them until ' +
          '`reset_at` (`REALMKIT_LOGIN_FAILURE_WINDOW`).',
        example: 7,
      }),
    last_failure_at: Timestamp.nullable().meta({
      description: 'When the last of them was; null when none is counted.',
    }),
    reset_at: Timestamp.nullable().meta({ description: 'When the count is forgotten; null when none is counted.' }),
    delayed_until: Timestamp.nullable().meta({
      description:
        'Until when the address that failed last must wait before its password is checked again (addresses that ' +
        'never failed on the account are never delayed); null when no delay runs.',
    }),
  })
  .meta({ id: 'SignInFailures' });
export type SignInFailures = z.infer<typeof SignInFailures>;
