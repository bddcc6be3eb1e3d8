import { contract } from '@realmkit/contract';
import { APIResource, type ApiClient } from '../core/api-client.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { RequestOptions } from '../core/http.ts';
import type { PagePromise } from '../core/pagination.ts';
import type { ListItem, RequestBody, RequestQuery, ResponseData } from '../core/route-types.ts';

const routes = contract.resources;

export type Resource = ResponseData<typeof routes.get, 200>;
export type Scope = ListItem<typeof routes.listScopes>;
export type ResourceCreateParams = RequestBody<typeof routes.create>;
export type ResourceUpdateParams = RequestBody<typeof routes.update>;
export type ResourceListParams = RequestQuery<typeof routes.list>;
export type ScopeCreateParams = RequestBody<typeof routes.createScope>;
export type ScopeUpdateParams = RequestBody<typeof routes.updateScope>;

/** `rk.resources`: API resources (token audiences) and their scopes. */
export class Resources extends APIResource {
  readonly scopes: ResourceScopes;

  constructor(client: ApiClient) {
    super(client);
    this.scopes = new ResourceScopes(client);
  }

  /**
   * Indicators are unique per realm and immutable.
   *
   * @example
   * const api = await rk.resources.create({ name: 'My API', indicator: 'https://api.myapp.com' });
   */
  create(body: ResourceCreateParams, options?: RequestOptions): APIPromise<Resource> {
    return this.client.data(routes.create, { body }, options);
  }

  /**
   * @example
   * const api = await rk.resources.get(id);
   */
  get(id: string, options?: RequestOptions): APIPromise<Resource> {
    return this.client.data(routes.get, { params: { id } }, options);
  }

  /**
   * @example
   * await rk.resources.update(id, { access_token_ttl: 900 });
   */
  update(id: string, body: ResourceUpdateParams, options?: RequestOptions): APIPromise<Resource> {
    return this.client.data(routes.update, { params: { id }, body }, options);
  }

  /**
   * Also deletes its scopes and takes them out of every role.
   *
   * @example
   * await rk.resources.delete(id);
   */
  delete(id: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.delete, { params: { id } }, options);
  }

  /**
   * The built-in Management API first (`is_management_api`), then newest first.
   *
   * @example
   * const management = (await rk.resources.list()).data.find((r) => r.is_management_api);
   */
  list(query?: ResourceListParams, options?: RequestOptions): PagePromise<Resource> {
    return this.client.list(routes.list, { query }, options);
  }
}

/** `rk.resources.scopes`. */
export class ResourceScopes extends APIResource {
  /**
   * @example
   * for await (const scope of rk.resources.scopes.list(apiId)) console.log(scope.name);
   */
  list(id: string, query?: RequestQuery<typeof routes.listScopes>, options?: RequestOptions): PagePromise<Scope> {
    return this.client.list(routes.listScopes, { params: { id }, query }, options);
  }

  /**
   * Names are unique per resource.
   *
   * @example
   * const scope = await rk.resources.scopes.create(apiId, { name: 'read:posts', description: 'Read blog posts' });
   */
  create(id: string, body: ScopeCreateParams, options?: RequestOptions): APIPromise<Scope> {
    return this.client.data(routes.createScope, { params: { id }, body }, options);
  }

  /**
   * @example
   * await rk.resources.scopes.update(apiId, scopeId, { description: 'Read all blog posts' });
   */
  update(id: string, scopeId: string, body: ScopeUpdateParams, options?: RequestOptions): APIPromise<Scope> {
    return this.client.data(routes.updateScope, { params: { id, scopeId }, body }, options);
  }

  /**
   * @example
   * await rk.resources.scopes.delete(apiId, scopeId);
   */
  delete(id: string, scopeId: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.deleteScope, { params: { id, scopeId } }, options);
  }
}
