import { z } from 'zod';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_REALM_REF_LENGTH } from '../common/limits.ts';
import { Id, Timestamp } from '../common/primitives.ts';
import { Email, PASSWORD_RULES, PersonName, Username } from '../users/user.schemas.ts';

/** A user as the users API by realm name shows it: camelCase, `enabled` = not suspended. */
export const RealmUser = z
  .object({
    id: Id,
    realmName: z.string(),
    username: z.string().nullable(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    enabled: z.boolean().meta({ description: 'The inverse of v1 `is_suspended`.' }),
    emailVerified: z.boolean(),
    createdAt: Timestamp,
  })
  .meta({
    id: 'RealmUser',
    example: {
      id: '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20',
      realmName: 'master',
      username: 'alice',
      email: 'alice@example.com',
      firstName: 'Alice',
      lastName: 'Smith',
      enabled: true,
      emailVerified: false,
      createdAt: '2025-06-01T10:00:00Z',
    },
  });
export type RealmUser = z.infer<typeof RealmUser>;

/** A page in the style of Spring Data, which this API's conventions come from. */
export const RealmUserPage = z
  .object({
    content: z.array(RealmUser),
    page: z.int().meta({ description: 'Zero-based page number.' }),
    size: z.int(),
    totalElements: z.int(),
    totalPages: z.int(),
  })
  .meta({ id: 'RealmUserPage' });

/** The largest `size`: the same limit as v1's `per_page`. */
export const MAX_PAGE_SIZE = MAX_PER_PAGE;

export const RealmUsersQuery = z.object({
  realm: z.string().min(1).max(MAX_REALM_REF_LENGTH).meta({ description: 'Realm name.', example: 'master' }),
  page: z.coerce.number().int().min(0).default(0).meta({ description: 'Zero-based page number.' }),
  size: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PER_PAGE)
    .meta({ description: `Page size, 1..${MAX_PAGE_SIZE}.` }),
});

export const CreateRealmUserBody = z
  .strictObject({
    realmName: z.string().min(1).max(MAX_REALM_REF_LENGTH),
    username: Username,
    email: Email,
    firstName: PersonName.optional(),
    lastName: PersonName.optional(),
    password: z.string().meta({ description: `Plain text, stored as argon2id; ${PASSWORD_RULES}.` }),
  })
  .meta({
    id: 'CreateRealmUser',
    example: {
      realmName: 'master',
      username: 'alice',
      email: 'alice@example.com',
      firstName: 'Alice',
      lastName: 'Smith',
      password: 'SecurePass123!',
    },
  });
export type CreateRealmUserBody = z.infer<typeof CreateRealmUserBody>;

export const UpdateRealmUserBody = z
  .strictObject({
    firstName: PersonName.nullable().optional(),
    lastName: PersonName.nullable().optional(),
    email: Email.optional(),
    username: Username.optional(),
    enabled: z.boolean().optional(),
    emailVerified: z.boolean().optional(),
  })
  .meta({
    id: 'UpdateRealmUser',
    description: 'Only the fields sent change. Changing `email` resets `emailVerified` unless it is sent too.',
    example: { firstName: 'Alicia', enabled: true },
  });
export type UpdateRealmUserBody = z.infer<typeof UpdateRealmUserBody>;

export const ResetPasswordBody = z
  .strictObject({ newPassword: z.string() })
  .meta({ id: 'ResetPassword', example: { newPassword: 'NewSecurePass456!' } });

export const UserIdPathParams = z.object({ userId: Id });
