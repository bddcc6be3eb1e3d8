import { initContract } from '@ts-rest/core';
import { errorResponses } from '../common/errors.ts';
import { requires } from '../common/metadata.ts';
import { withMiddleware } from '../common/middleware.ts';
import { REALM_MANAGEMENT_RESPONSES } from '../common/responses.ts';
import { PASSWORD_RULES } from '../users/user.schemas.ts';
import { SEND_PASSWORD_RESET_EMAIL_DESCRIPTION, SEND_VERIFY_EMAIL_DESCRIPTION } from '../users/users.contract.ts';
import {
  CreateRealmUserBody,
  RealmUser,
  RealmUserPage,
  RealmUsersQuery,
  ResetPasswordBody,
  UpdateRealmUserBody,
  UserIdPathParams,
} from './realm-user.schemas.ts';

const c = initContract();
const TAG = 'Users by realm name';
const SAME_USERS =
  'The same users as `/api/v1/{realm}/users`, by another address. A token of the named realm or a master-realm token.';

/** `/api/users`, as `docs/reference/users-api-by-realm-name.txt` describes it. */
export const usersByRealmNameContract = c.router(
  withMiddleware({
    list: {
      method: 'GET',
      path: '',
      query: RealmUsersQuery,
      responses: { 200: RealmUserPage },
      summary: 'List the users of a realm',
      description: `Newest first, as a zero-based page. ${SAME_USERS}`,
      metadata: requires('users:read', TAG),
    },
    create: {
      method: 'POST',
      path: '',
      body: CreateRealmUserBody,
      responses: { 201: RealmUser, ...errorResponses(409, 422) },
      summary: 'Create a user',
      description:
        'Username and email are unique per realm (409). The password is stored as argon2id, not BCrypt(12): ' +
        'see the v1 API to import existing bcrypt hashes.',
      metadata: requires('users:write', TAG, { etag: true, passwordWork: true }),
    },
    get: {
      method: 'GET',
      path: '/:userId',
      pathParams: UserIdPathParams,
      responses: { 200: RealmUser },
      summary: 'Get a user',
      description: SAME_USERS,
      metadata: requires('users:read', TAG, { etag: true }),
    },
    update: {
      method: 'PUT',
      path: '/:userId',
      pathParams: UserIdPathParams,
      body: UpdateRealmUserBody,
      responses: { 200: RealmUser, ...errorResponses(409) },
      summary: 'Update a user',
      description: 'Only the fields sent change. `enabled: false` suspends the user.',
      metadata: requires('users:write', TAG, { etag: true }),
    },
    delete: {
      method: 'DELETE',
      path: '/:userId',
      pathParams: UserIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody() },
      summary: 'Delete a user',
      description: 'Deletes the user, its roles, identities and pending verification links, in whichever realm it is.',
      metadata: requires('users:write', TAG, { etag: true }),
    },
    resetPassword: {
      method: 'PUT',
      path: '/:userId/password',
      pathParams: UserIdPathParams,
      body: ResetPasswordBody,
      responses: { 204: c.noBody(), ...errorResponses(422) },
      summary: "Reset a user's password",
      description: `Plain text, stored as argon2id; ${PASSWORD_RULES}.`,
      metadata: requires('users:write', TAG, { etag: true, passwordWork: true }),
    },
    sendVerifyEmail: {
      method: 'POST',
      path: '/:userId/send-verify-email',
      pathParams: UserIdPathParams,
      body: c.noBody(),
      responses: { 202: c.noBody(), ...errorResponses(409) },
      summary: 'Send the email verification email',
      description: SEND_VERIFY_EMAIL_DESCRIPTION,
      metadata: requires('users:write', TAG),
    },
    sendPasswordResetEmail: {
      method: 'POST',
      path: '/:userId/reset-password-email',
      pathParams: UserIdPathParams,
      body: c.noBody(),
      responses: { 202: c.noBody() },
      summary: 'Send a password reset email',
      description: SEND_PASSWORD_RESET_EMAIL_DESCRIPTION,
      metadata: requires('users:write', TAG),
    },
  }),
  { pathPrefix: '/api/users', strictStatusCodes: true, commonResponses: REALM_MANAGEMENT_RESPONSES },
);
