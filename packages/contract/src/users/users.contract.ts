import { initContract } from '@ts-rest/core';
import { errorResponses } from '../common/errors.ts';
import {
  ACCOUNT_EMAIL_INTERVAL_SECONDS,
  PASSWORD_RESET_LINK_TTL_MINUTES,
  VERIFICATION_LINK_TTL_HOURS,
} from '../common/limits.ts';
import { requires } from '../common/metadata.ts';
import { withMiddleware } from '../common/middleware.ts';
import { CursorListQuery, cursorListOf, ListQuery, listOf, PageQuery, single } from '../common/pagination.ts';
import { REALM_API_PATH } from '../common/paths.ts';
import { RealmIdPathParams, RealmIdRoleIdPathParams, RealmPathParams } from '../common/primitives.ts';
import { REALM_MANAGEMENT_RESPONSES } from '../common/responses.ts';
import { AssignRolesBody, Role } from '../roles/role.schemas.ts';
import { RealmIdSessionIdPathParams, UserSession } from './session.schemas.ts';
import {
  CreateUserBody,
  PASSWORD_RULES,
  SetPasswordBody,
  SetSuspendedBody,
  SignInFailures,
  UpdateUserBody,
  User,
  UserIdentity,
  VerifyPasswordBody,
} from './user.schemas.ts';

const c = initContract();

/** What send-verify-email does, in both users APIs. */
export const SEND_VERIFY_EMAIL_DESCRIPTION =
  'Queues a `user.verify_email_requested` event; the notifier sends the email with a link valid for ' +
  `${VERIFICATION_LINK_TTL_HOURS} h, ` +
  'usable once. 409 when the email is already verified; 429 (with `Retry-After`) for a second request ' +
  'within a minute.';

/** What send-password-reset-email does, in both users APIs. */
export const SEND_PASSWORD_RESET_EMAIL_DESCRIPTION =
  'Queues a `user.password_reset_requested` event; the notifier sends the `password-reset` email with a link ' +
  `valid for ${PASSWORD_RESET_LINK_TTL_MINUTES} minutes, usable once, to a page where the user sets a new ` +
  "password under the realm's rules. Setting it ends the user's sessions and refresh tokens. 429 (with " +
  `\`Retry-After\`) for a second request within ${ACCOUNT_EMAIL_INTERVAL_SECONDS} s.`;
const TAG = 'Users';

/** `/api/v1/{realm}/users`, as `docs/reference/management-api.txt` lists it. */
export const usersContract = c.router(
  withMiddleware({
    list: {
      method: 'GET',
      path: '',
      pathParams: RealmPathParams,
      query: CursorListQuery,
      responses: { 200: cursorListOf(User) },
      summary: 'List users',
      description:
        'Newest first. `search` matches email, username and name, case-insensitively. For deep pages, follow ' +
        '`meta.next_after` with `after` instead of raising `page`: its cost does not grow with the depth.',
      metadata: requires('users:read', TAG),
    },
    create: {
      method: 'POST',
      path: '',
      pathParams: RealmPathParams,
      body: CreateUserBody,
      responses: { 201: single(User), ...errorResponses(409, 422) },
      summary: 'Create a user',
      description: 'Email and username are unique per realm, case-insensitively (409).',
      metadata: requires('users:write', TAG, { etag: true, passwordWork: true }),
    },
    get: {
      method: 'GET',
      path: '/:id',
      pathParams: RealmIdPathParams,
      responses: { 200: single(User) },
      summary: 'Get a user',
      description: 'The profile and flags of the user; `has_password` says whether a password is set, never the hash.',
      metadata: requires('users:read', TAG, { etag: true }),
    },
    update: {
      method: 'PATCH',
      path: '/:id',
      pathParams: RealmIdPathParams,
      body: UpdateUserBody,
      responses: { 200: single(User), ...errorResponses(409, 422) },
      summary: 'Update a user',
      description:
        'Only the fields sent change; `null` clears an optional field. Changing `email` resets `email_verified` ' +
        'to false unless it is sent too. Email and username stay unique per realm (409).',
      metadata: requires('users:write', TAG, { etag: true }),
    },
    delete: {
      method: 'DELETE',
      path: '/:id',
      pathParams: RealmIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody() },
      summary: 'Delete a user',
      description: 'Also deletes its connected identities and role assignments.',
      metadata: requires('users:write', TAG, { etag: true }),
    },
    setPassword: {
      method: 'PATCH',
      path: '/:id/password',
      pathParams: RealmIdPathParams,
      body: SetPasswordBody,
      responses: { 200: single(User), ...errorResponses(422) },
      summary: "Change a user's password",
      description: `Stored as an argon2id hash; ${PASSWORD_RULES}.`,
      metadata: requires('users:write', TAG, { etag: true, passwordWork: true }),
    },
    setSuspended: {
      method: 'PATCH',
      path: '/:id/is-suspended',
      pathParams: RealmIdPathParams,
      body: SetSuspendedBody,
      responses: { 200: single(User) },
      summary: 'Block or unblock a user',
      description:
        'Sets `is_suspended`. A suspended user cannot sign in, and the tokens their sign-ins got stop working ' +
        '(refresh, userinfo, introspection and the Management API refuse them); `verifyPassword` does not look at it.',
      metadata: requires('users:write', TAG, { etag: true }),
    },
    verifyPassword: {
      method: 'POST',
      path: '/:id/password/verify',
      pathParams: RealmIdPathParams,
      body: VerifyPasswordBody,
      responses: { 204: c.noBody(), ...errorResponses(422) },
      summary: "Check a user's password",
      description:
        "204 when the password is the user's, 422 `invalid_credentials` when it is not or the user has none. " +
        "It does not look at `is_suspended`: that is the caller's decision.",
      metadata: requires('users:read', TAG, { passwordWork: true }),
    },
    listRoles: {
      method: 'GET',
      path: '/:id/roles',
      pathParams: RealmIdPathParams,
      query: ListQuery,
      responses: { 200: listOf(Role) },
      summary: "List a user's roles",
      description: 'By name. `search` matches role name and description.',
      metadata: requires('users:roles', TAG),
    },
    assignRoles: {
      method: 'POST',
      path: '/:id/roles',
      pathParams: RealmIdPathParams,
      body: AssignRolesBody,
      responses: { 204: c.noBody(), ...errorResponses(422) },
      summary: 'Assign roles to a user',
      description:
        'All or nothing: unknown role ids answer 422 listing them, and assign none. Roles already assigned are not an error.',
      metadata: requires('users:roles', TAG),
    },
    removeRole: {
      method: 'DELETE',
      path: '/:id/roles/:roleId',
      pathParams: RealmIdRoleIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody() },
      summary: 'Remove a role from a user',
      description: '404 when the role is not assigned to the user.',
      metadata: requires('users:roles', TAG),
    },
    sendVerifyEmail: {
      method: 'POST',
      path: '/:id/send-verify-email',
      pathParams: RealmIdPathParams,
      body: c.noBody(),
      responses: { 202: c.noBody(), ...errorResponses(409) },
      summary: 'Send the email verification email',
      description: SEND_VERIFY_EMAIL_DESCRIPTION,
      metadata: requires('users:write', TAG),
    },
    sendPasswordResetEmail: {
      method: 'POST',
      path: '/:id/password-reset-email',
      pathParams: RealmIdPathParams,
      body: c.noBody(),
      responses: { 202: c.noBody() },
      summary: 'Send a password reset email',
      description: SEND_PASSWORD_RESET_EMAIL_DESCRIPTION,
      metadata: requires('users:write', TAG),
    },
    getSignInFailures: {
      method: 'GET',
      path: '/:id/sign-in-failures',
      pathParams: RealmIdPathParams,
      responses: { 200: single(SignInFailures) },
      summary: "Read a user's failed sign-ins",
      description:
        'What the server counts to slow password guessing at this account: failures, the last one, when the count ' +
        'is forgotten, and the latest delay. An address is delayed only after failing on the account itself, so ' +
        'the user still signs in from elsewhere. All zero and null when the delays are off.',
      metadata: requires('users:read', TAG),
    },
    clearSignInFailures: {
      method: 'DELETE',
      path: '/:id/sign-in-failures',
      pathParams: RealmIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody() },
      summary: "Forget a user's failed sign-ins",
      description:
        'Every address that failed on the account may try again at once, and the count starts from zero. ' +
        'Recorded in the audit log as `user.sign_in_failures_cleared`.',
      metadata: requires('users:write', TAG),
    },
    listIdentities: {
      method: 'GET',
      path: '/:id/identities',
      pathParams: RealmIdPathParams,
      query: ListQuery,
      responses: { 200: listOf(UserIdentity) },
      summary: "List a user's connected identity providers",
      description: 'Oldest first. `search` matches provider and provider user id.',
      metadata: requires('users:read', TAG),
    },
    listSessions: {
      method: 'GET',
      path: '/:id/sessions',
      pathParams: RealmIdPathParams,
      query: PageQuery,
      responses: { 200: listOf(UserSession) },
      summary: "List a user's sessions",
      description:
        "The user's live login sessions (one per browser signed in), newest first: when and where each began, " +
        'when it was last used, and the applications it signed in to.',
      metadata: requires('users:read', TAG),
    },
    endSessions: {
      method: 'DELETE',
      path: '/:id/sessions',
      pathParams: RealmIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody() },
      summary: "End all of a user's sessions",
      description:
        'Signs the user out of every browser and revokes every refresh token of the user, in one step: ' +
        'their applications must sign them in again. Access tokens already issued live until they expire. ' +
        'Suspending the user, deleting them or setting their password does the same.',
      metadata: requires('users:write', TAG),
    },
    endSession: {
      method: 'DELETE',
      path: '/:id/sessions/:sessionId',
      pathParams: RealmIdSessionIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody() },
      summary: "End one of a user's sessions",
      description:
        'Signs the user out of that browser and revokes the refresh tokens issued under the session. ' +
        "404 when the session is not a live session of this user (another user's, ended or unknown).",
      metadata: requires('users:write', TAG),
    },
  }),
  { pathPrefix: `${REALM_API_PATH}/users`, strictStatusCodes: true, commonResponses: REALM_MANAGEMENT_RESPONSES },
);
