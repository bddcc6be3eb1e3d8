import { contract } from '@realmkit/contract';
import { APIResource, type ApiClient } from '../core/api-client.ts';
import type { APIPromise } from '../core/api-promise.ts';
import { UnprocessableEntityError } from '../core/errors.ts';
import type { RequestOptions } from '../core/http.ts';
import type { PagePromise } from '../core/pagination.ts';
import type { ListItem, ListMeta, RequestBody, RequestQuery, ResponseData } from '../core/route-types.ts';
import { RoleAssignments } from './role-assignments.ts';

const routes = contract.users;

export type User = ResponseData<typeof routes.get, 200>;
export type UserIdentity = ListItem<typeof routes.listIdentities>;
export type UserCreateParams = RequestBody<typeof routes.create>;
export type UserUpdateParams = RequestBody<typeof routes.update>;
export type UserListParams = RequestQuery<typeof routes.list>;
/** `meta` of the users list: with `next_after`, the keyset cursor `for await` follows. */
export type UserListMeta = ListMeta<typeof routes.list>;
export type UserSession = ListItem<typeof routes.listSessions>;
export type UserSessionListParams = RequestQuery<typeof routes.listSessions>;
export type SignInFailures = ResponseData<typeof routes.getSignInFailures, 200>;

/** `rk.users`: the users of the client's realm. */
export class Users extends APIResource {
  /** The user's roles (scope `users:roles`). */
  readonly roles: RoleAssignments;
  /** The user's connected identity providers. */
  readonly identities: UserIdentities;

  constructor(client: ApiClient) {
    super(client);
    this.roles = new RoleAssignments(client, routes);
    this.identities = new UserIdentities(client);
  }

  /**
   * Creates a user. Email and username are unique per realm (`ConflictError`); a weak password
   * is an `UnprocessableEntityError`.
   *
   * @example
   * const user = await rk.users.create({ email: 'jane@example.com', name: 'Jane Doe', password: 'securePassword123' });
   */
  create(body: UserCreateParams, options?: RequestOptions): APIPromise<User> {
    return this.client.data(routes.create, { body }, options);
  }

  /**
   * @example
   * const user = await rk.users.get('0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20');
   */
  get(id: string, options?: RequestOptions): APIPromise<User> {
    return this.client.data(routes.get, { params: { id } }, options);
  }

  /**
   * Changes the fields sent; changing `email` resets `email_verified` unless it is sent too.
   *
   * @example
   * await rk.users.update(id, { name: 'Jane Smith' });
   */
  update(id: string, body: UserUpdateParams, options?: RequestOptions): APIPromise<User> {
    return this.client.data(routes.update, { params: { id }, body }, options);
  }

  /**
   * @example
   * await rk.users.delete(id);
   */
  delete(id: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.delete, { params: { id } }, options);
  }

  /**
   * Newest first; `search` matches email, username and name. `for await` follows
   * `meta.next_after` (the `after` keyset cursor): users created meanwhile shift nothing, and
   * deep pages cost what the first does; `getNextPage()` pages by number.
   *
   * @example
   * for await (const user of rk.users.list({ search: 'jane' })) console.log(user.email);
   */
  list(query?: UserListParams, options?: RequestOptions): PagePromise<User, UserListMeta> {
    return this.client.list(routes.list, { query }, options);
  }

  /**
   * @example
   * await rk.users.setPassword(id, 'newSecurePassword456');
   */
  setPassword(id: string, password: string, options?: RequestOptions): APIPromise<User> {
    return this.client.data(routes.setPassword, { params: { id }, body: { password } }, options);
  }

  /**
   * Blocks (`true`) or unblocks a user.
   *
   * @example
   * await rk.users.setSuspended(id, true);
   */
  setSuspended(id: string, isSuspended: boolean, options?: RequestOptions): APIPromise<User> {
    return this.client.data(routes.setSuspended, { params: { id }, body: { is_suspended: isSuspended } }, options);
  }

  /**
   * Queues the verification email (a link valid 24 h, usable once). `ConflictError` when the
   * email is verified already; `RateLimitError` within a minute of the last one.
   *
   * @example
   * await rk.users.sendVerifyEmail(id);
   */
  sendVerifyEmail(id: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.sendVerifyEmail, { params: { id } }, options);
  }

  /**
   * Queues the password reset email: a link valid 30 minutes, usable once, to the realm's page
   * where the user sets a new password (which ends their sessions). `RateLimitError` within a
   * minute of the last one.
   *
   * @example
   * await rk.users.sendPasswordResetEmail(id);
   */
  sendPasswordResetEmail(id: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.sendPasswordResetEmail, { params: { id } }, options);
  }

  /**
   * The user's live login sessions (one per browser signed in), newest first: `ip`, `user_agent`,
   * `last_seen_at` and the applications each signed in to. Pages like every list.
   *
   * @example
   * for await (const session of rk.users.listSessions(id)) console.log(session.ip, session.user_agent);
   */
  listSessions(id: string, query?: UserSessionListParams, options?: RequestOptions): PagePromise<UserSession> {
    return this.client.list(routes.listSessions, { params: { id }, query }, options);
  }

  /**
   * Signs the user out everywhere: ends every session and revokes every refresh token of the user.
   *
   * @example
   * await rk.users.endSessions(id);
   */
  endSessions(id: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.endSessions, { params: { id } }, options);
  }

  /**
   * Ends one session and revokes the refresh tokens issued under it; `NotFoundError` when it is not
   * a live session of this user.
   *
   * @example
   * const { data } = await rk.users.listSessions(id);
   * await rk.users.endSession(id, data[0].id);
   */
  endSession(id: string, sessionId: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.endSession, { params: { id, sessionId } }, options);
  }

  /**
   * What the server counts of the user's failed sign-ins (scope `users:read`): `failures` from
   * every address, `last_failure_at`, `reset_at` (when the count is forgotten) and `delayed_until`
   * (the latest delay imposed on an address that failed; the user still signs in from elsewhere).
   *
   * @example
   * const { failures, delayed_until } = await rk.users.getSignInFailures(id);
   */
  getSignInFailures(id: string, options?: RequestOptions): APIPromise<SignInFailures> {
    return this.client.data(routes.getSignInFailures, { params: { id } }, options);
  }

  /**
   * Forgets the user's failed sign-ins (scope `users:write`): no address waits any longer, and the
   * count starts from zero.
   *
   * @example
   * await rk.users.clearSignInFailures(id);
   */
  clearSignInFailures(id: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.clearSignInFailures, { params: { id } }, options);
  }

  /**
   * Whether `password` is the user's (false too when the user has none).
   *
   * @example
   * if (await rk.users.verifyPassword(id, password)) console.log('signed in');
   */
  async verifyPassword(id: string, password: string, options?: RequestOptions): Promise<boolean> {
    try {
      await this.client.none(routes.verifyPassword, { params: { id }, body: { password } }, options);
      return true;
    } catch (error) {
      if (error instanceof UnprocessableEntityError && error.error === 'invalid_credentials') return false;
      throw error;
    }
  }
}

/** `rk.users.identities`. */
export class UserIdentities extends APIResource {
  /**
   * @example
   * const { data } = await rk.users.identities.list(userId);
   */
  list(
    id: string,
    query?: RequestQuery<typeof routes.listIdentities>,
    options?: RequestOptions,
  ): PagePromise<UserIdentity> {
    return this.client.list(routes.listIdentities, { params: { id }, query }, options);
  }
}
