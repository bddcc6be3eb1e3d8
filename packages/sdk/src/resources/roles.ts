import { contract } from '@realmkit/contract';
import { APIResource, type ApiClient } from '../core/api-client.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { RequestOptions } from '../core/http.ts';
import type { PagePromise } from '../core/pagination.ts';
import type { ListItem, RequestBody, RequestQuery } from '../core/route-types.ts';
import type { Role, RoleListParams } from './role-assignments.ts';

const routes = contract.roles;

export type RoleScope = ListItem<typeof routes.listScopes>;
export type RoleCreateParams = RequestBody<typeof routes.create>;
export type RoleUpdateParams = RequestBody<typeof routes.update>;

/** `rk.roles`: named sets of scopes, assigned to users and m2m applications. */
export class Roles extends APIResource {
  /** The scopes a role holds. */
  readonly scopes: RoleScopes;

  constructor(client: ApiClient) {
    super(client);
    this.scopes = new RoleScopes(client);
  }

  /**
   * Names are unique per realm (`ConflictError`).
   *
   * @example
   * const role = await rk.roles.create({ name: 'editor', description: 'Can edit content' });
   */
  create(body: RoleCreateParams, options?: RequestOptions): APIPromise<Role> {
    return this.client.data(routes.create, { body }, options);
  }

  /**
   * @example
   * const role = await rk.roles.get(id);
   */
  get(id: string, options?: RequestOptions): APIPromise<Role> {
    return this.client.data(routes.get, { params: { id } }, options);
  }

  /**
   * @example
   * await rk.roles.update(id, { description: 'Can edit and publish content' });
   */
  update(id: string, body: RoleUpdateParams, options?: RequestOptions): APIPromise<Role> {
    return this.client.data(routes.update, { params: { id }, body }, options);
  }

  /**
   * Also removes it from every user and application.
   *
   * @example
   * await rk.roles.delete(id);
   */
  delete(id: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.delete, { params: { id } }, options);
  }

  /**
   * By name; `search` matches name and description.
   *
   * @example
   * for await (const role of rk.roles.list()) console.log(role.name);
   */
  list(query?: RoleListParams, options?: RequestOptions): PagePromise<Role> {
    return this.client.list(routes.list, { query }, options);
  }
}

/** `rk.roles.scopes`. */
export class RoleScopes extends APIResource {
  /**
   * The scopes the role holds, each with its API resource.
   *
   * @example
   * for await (const scope of rk.roles.scopes.list(roleId)) console.log(scope.resource.indicator, scope.name);
   */
  list(id: string, query?: RequestQuery<typeof routes.listScopes>, options?: RequestOptions): PagePromise<RoleScope> {
    return this.client.list(routes.listScopes, { params: { id }, query }, options);
  }

  /**
   * Adds scopes (of any API resource of the realm), all or none.
   *
   * @example
   * await rk.roles.scopes.assign(roleId, [readPostsScopeId]);
   */
  assign(id: string, scopeIds: string[], options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.assignScopes, { params: { id }, body: { scope_ids: scopeIds } }, options);
  }

  /**
   * @example
   * await rk.roles.scopes.remove(roleId, scopeId);
   */
  remove(id: string, scopeId: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.removeScope, { params: { id, scopeId } }, options);
  }
}
