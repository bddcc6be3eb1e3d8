import { contract } from '@realmkit/contract';
import { APIResource } from '../core/api-client.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { RequestOptions } from '../core/http.ts';
import type { PagePromise } from '../core/pagination.ts';
import type { RequestBody, RequestQuery, ResponseData } from '../core/route-types.ts';

const routes = contract.realms;
const keyRoutes = contract.signingKeys;

export type Realm = ResponseData<typeof routes.get, 200>;
export type RealmCreateParams = RequestBody<typeof routes.create>;
export type RealmUpdateParams = RequestBody<typeof routes.update>;
export type RealmListParams = RequestQuery<typeof routes.list>;
export type SigningKey = ResponseData<typeof keyRoutes.listKeys, 200>[number];
export type RotateKeysParams = NonNullable<RequestBody<typeof keyRoutes.rotateKeys>>;

/** `rk.realms`: needs a master-realm client with `realms:read` / `realms:write`. */
export class Realms extends APIResource {
  /**
   * Creates a realm with its signing key and its Management API resource.
   *
   * @example
   * const acme = await rk.realms.create({ name: 'acme', display_name: 'Acme' });
   */
  create(body: RealmCreateParams, options?: RequestOptions): APIPromise<Realm> {
    return this.client.data(routes.create, { body }, options);
  }

  /**
   * By name or UUID.
   *
   * @example
   * const acme = await rk.realms.get('acme');
   */
  get(realm: string, options?: RequestOptions): APIPromise<Realm> {
    return this.client.data(routes.get, { params: { realm } }, options);
  }

  /**
   * Changes the display name, the signing algorithm (a different one rotates the key) or the account
   * settings; a partial `password_policy` is merged into the realm's.
   *
   * @example
   * await rk.realms.update('acme', { display_name: 'Acme Inc.' });
   * // Passwords of at least 12 characters from now on; common and breached ones stay refused.
   * await rk.realms.update('acme', { password_policy: { min_length: 12 } });
   */
  update(realm: string, body: RealmUpdateParams, options?: RequestOptions): APIPromise<Realm> {
    return this.client.data(routes.update, { params: { realm }, body }, options);
  }

  /**
   * Deletes the realm and everything in it.
   *
   * @example
   * await rk.realms.delete('acme');
   */
  delete(realm: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.delete, { params: { realm } }, options);
  }

  /**
   * The realm's published signing keys: the active one, then those retiring (never key material).
   *
   * @example
   * const [active] = await rk.realms.listKeys('acme');
   */
  listKeys(realm: string, options?: RequestOptions): APIPromise<SigningKey[]> {
    return this.client.data(keyRoutes.listKeys, { params: { realm } }, options);
  }

  /**
   * A new active signing key (of `algorithm`, default the realm's); the old one keeps verifying its
   * tokens until they expire. Answers the realm's keys.
   *
   * @example
   * await rk.realms.rotateKeys('acme', { algorithm: 'ES256' });
   */
  rotateKeys(realm: string, params?: RotateKeysParams, options?: RequestOptions): APIPromise<SigningKey[]> {
    return this.client.data(keyRoutes.rotateKeys, { params: { realm }, body: params }, options);
  }

  /**
   * By name; `search` matches name and display name.
   *
   * @example
   * for await (const realm of rk.realms.list()) console.log(realm.name);
   */
  list(query?: RealmListParams, options?: RequestOptions): PagePromise<Realm> {
    return this.client.list(routes.list, { query }, options);
  }
}
