import { contract } from '@realmkit/contract';
import { APIResource } from '../core/api-client.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { RequestOptions } from '../core/http.ts';
import type { RequestBody, RequestQuery, ResponseBody } from '../core/route-types.ts';

const routes = contract.usersByRealmName;

export type RealmUser = ResponseBody<typeof routes.get, 200>;
export type RealmUserPage = ResponseBody<typeof routes.list, 200>;
export type RealmUserListParams = RequestQuery<typeof routes.list>;
export type RealmUserCreateParams = RequestBody<typeof routes.create>;
export type RealmUserUpdateParams = RequestBody<typeof routes.update>;

/**
 * `rk.usersByRealmName`: the older users API (`/api/users`), camelCase, realms by name, pages
 * from 0. The same users as `rk.users`.
 */
export class UsersByRealmName extends APIResource {
  /**
   * A zero-based page: `{ content, page, size, totalElements, totalPages }`.
   *
   * @example
   * const { content, totalElements } = await rk.usersByRealmName.list({ realm: 'acme', page: 0, size: 20 });
   */
  list(query: RealmUserListParams, options?: RequestOptions): APIPromise<RealmUserPage> {
    return this.client.body(routes.list, { query }, options);
  }

  /**
   * @example
   * const alice = await rk.usersByRealmName.create({
   *   realmName: 'acme', username: 'alice', email: 'alice@example.com', password: 'SecurePass123!',
   * });
   */
  create(body: RealmUserCreateParams, options?: RequestOptions): APIPromise<RealmUser> {
    return this.client.body(routes.create, { body }, options);
  }

  /**
   * @example
   * const alice = await rk.usersByRealmName.get(userId);
   */
  get(userId: string, options?: RequestOptions): APIPromise<RealmUser> {
    return this.client.body(routes.get, { params: { userId } }, options);
  }

  /**
   * Only the fields sent change; `enabled: false` suspends the user.
   *
   * @example
   * await rk.usersByRealmName.update(userId, { firstName: 'Alicia', enabled: true });
   */
  update(userId: string, body: RealmUserUpdateParams, options?: RequestOptions): APIPromise<RealmUser> {
    return this.client.body(routes.update, { params: { userId }, body }, options);
  }

  /**
   * @example
   * await rk.usersByRealmName.delete(userId);
   */
  delete(userId: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.delete, { params: { userId } }, options);
  }

  /**
   * @example
   * await rk.usersByRealmName.resetPassword(userId, 'NewSecurePass456!');
   */
  resetPassword(userId: string, newPassword: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.resetPassword, { params: { userId }, body: { newPassword } }, options);
  }

  /**
   * @example
   * await rk.usersByRealmName.sendVerifyEmail(userId);
   */
  sendVerifyEmail(userId: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.sendVerifyEmail, { params: { userId } }, options);
  }

  /**
   * Queues the password reset email (a link valid 30 minutes, usable once).
   *
   * @example
   * await rk.usersByRealmName.sendPasswordResetEmail(userId);
   */
  sendPasswordResetEmail(userId: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.sendPasswordResetEmail, { params: { userId } }, options);
  }
}
