import type { contract } from '@realmkit/contract';
import type { AppRoute } from '@ts-rest/core';
import { APIResource, type ApiClient } from '../core/api-client.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { RequestOptions } from '../core/http.ts';
import type { PagePromise } from '../core/pagination.ts';
import type { ListItem, RequestQuery } from '../core/route-types.ts';

export type Role = ListItem<typeof contract.roles.list>;
export type RoleListParams = RequestQuery<typeof contract.roles.list>;

type AssignmentRoutes = Record<'listRoles' | 'assignRoles' | 'removeRole', AppRoute>;

/** The roles of a user or of an application: `rk.users.roles`, `rk.applications.roles`. */
export class RoleAssignments extends APIResource {
  readonly #routes: AssignmentRoutes;

  constructor(client: ApiClient, routes: AssignmentRoutes) {
    super(client);
    this.#routes = routes;
  }

  /**
   * The roles assigned to the holder, by name.
   *
   * @example
   * for await (const role of rk.users.roles.list(userId)) console.log(role.name);
   */
  list(id: string, query?: RoleListParams, options?: RequestOptions): PagePromise<Role> {
    return this.client.list(this.#routes.listRoles, { params: { id }, query }, options);
  }

  /**
   * Assigns roles, all or none: an unknown id throws `UnprocessableEntityError` naming it.
   * Roles already assigned are fine.
   *
   * @example
   * await rk.applications.roles.assign(appId, [roleId]);
   */
  assign(id: string, roleIds: string[], options?: RequestOptions): APIPromise<void> {
    return this.client.none(this.#routes.assignRoles, { params: { id }, body: { role_ids: roleIds } }, options);
  }

  /**
   * Removes one role; `NotFoundError` when it is not assigned.
   *
   * @example
   * await rk.users.roles.remove(userId, roleId);
   */
  remove(id: string, roleId: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(this.#routes.removeRole, { params: { id, roleId } }, options);
  }
}
