import { contract } from '@realmkit/contract';
import { APIResource, type ApiClient } from '../core/api-client.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { RequestOptions } from '../core/http.ts';
import type { PagePromise } from '../core/pagination.ts';
import type { ListItem, RequestBody, RequestQuery, ResponseData } from '../core/route-types.ts';
import { RoleAssignments } from './role-assignments.ts';

const routes = contract.applications;

export type Application = ResponseData<typeof routes.get, 200>;
/** A new application; confidential types carry `client_secret`, shown this once. */
export type CreatedApplication = ResponseData<typeof routes.create, 201>;
export type ApplicationWithSecret = ResponseData<typeof routes.rotateSecret, 200>;
export type ApplicationCreateParams = RequestBody<typeof routes.create>;
export type ApplicationUpdateParams = RequestBody<typeof routes.update>;
export type ApplicationListParams = RequestQuery<typeof routes.list>;
export type ApplicationRotateSecretParams = NonNullable<RequestBody<typeof routes.rotateSecret>>;
export type FederatedCredential = ListItem<typeof routes.listFederatedCredentials>;
export type FederatedCredentialCreateParams = RequestBody<typeof routes.createFederatedCredential>;
export type FederatedCredentialListParams = RequestQuery<typeof routes.listFederatedCredentials>;

/** `rk.applications`: OAuth clients of the realm. */
export class Applications extends APIResource {
  /** The roles of an m2m application: what client_credentials may grant it. */
  readonly roles: RoleAssignments;
  /** The workload identities a `private_key_jwt` application trusts (workload identity federation). */
  readonly federatedCredentials: FederatedCredentials;

  constructor(client: ApiClient) {
    super(client);
    this.roles = new RoleAssignments(client, routes);
    this.federatedCredentials = new FederatedCredentials(client);
  }

  /**
   * Creates an application. `traditional` and `m2m` ones come with a `client_secret` that is
   * never shown again: store it now.
   *
   * @example
   * const app = await rk.applications.create({ name: 'worker', type: 'm2m' });
   * saveSecret(app.client_id, app.client_secret);
   */
  create(body: ApplicationCreateParams, options?: RequestOptions): APIPromise<CreatedApplication> {
    return this.client.data(routes.create, { body }, options);
  }

  /**
   * @example
   * const app = await rk.applications.get(id);
   */
  get(id: string, options?: RequestOptions): APIPromise<Application> {
    return this.client.data(routes.get, { params: { id } }, options);
  }

  /**
   * Name, description and redirect URIs; type and client id are immutable.
   *
   * @example
   * await rk.applications.update(id, { redirect_uris: ['https://myapp.com/callback'] });
   */
  update(id: string, body: ApplicationUpdateParams, options?: RequestOptions): APIPromise<Application> {
    return this.client.data(routes.update, { params: { id }, body }, options);
  }

  /**
   * Its next token request fails; tokens already issued stay valid until they expire.
   *
   * @example
   * await rk.applications.delete(id);
   */
  delete(id: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.delete, { params: { id } }, options);
  }

  /**
   * Newest first; `search` matches name, description and client id.
   *
   * @example
   * for await (const app of rk.applications.list()) console.log(app.client_id);
   */
  list(query?: ApplicationListParams, options?: RequestOptions): PagePromise<Application> {
    return this.client.list(routes.list, { query }, options);
  }

  /**
   * A new client secret (confidential types). The old one stops working at once, or after
   * `grace_period_seconds` (up to 7 days), so that every instance of the client can switch.
   *
   * @example
   * const { client_secret } = await rk.applications.rotateSecret(id);
   * const { previous_client_secret_expires_at } = await rk.applications.rotateSecret(id, { grace_period_seconds: 3600 });
   */
  rotateSecret(
    id: string,
    params?: ApplicationRotateSecretParams,
    options?: RequestOptions,
  ): APIPromise<ApplicationWithSecret> {
    return this.client.data(routes.rotateSecret, { params: { id }, body: params }, options);
  }
}

/**
 * `rk.applications.federatedCredentials`: a JWT that a workload's platform issued with exactly a
 * credential's `issuer` and `subject`, and one of its `audiences`, authenticates the application
 * (sent as `client_assertion`, RFC 7523 §2.2). Only for applications whose
 * `token_endpoint_auth_method` is `private_key_jwt`.
 */
export class FederatedCredentials extends APIResource {
  /**
   * By name; `search` matches name, issuer and subject.
   *
   * @example
   * for await (const credential of rk.applications.federatedCredentials.list(appId)) console.log(credential.subject);
   */
  list(id: string, query?: FederatedCredentialListParams, options?: RequestOptions): PagePromise<FederatedCredential> {
    return this.client.list(routes.listFederatedCredentials, { params: { id }, query }, options);
  }

  /**
   * Trusts a workload identity from the next token request on. `audiences` defaults to the realm's
   * issuer URL. `UnprocessableEntityError` when the application does not use `private_key_jwt`, the
   * issuer is not an https URL, or the application has too many; `ConflictError` when the name, or
   * the issuer and subject, is already trusted.
   *
   * @example
   * await rk.applications.federatedCredentials.create(appId, {
   *   name: 'github-deploy',
   *   issuer: 'https://token.actions.githubusercontent.com',
   *   subject: 'repo:acme/billing:environment:production',
   * });
   */
  create(id: string, body: FederatedCredentialCreateParams, options?: RequestOptions): APIPromise<FederatedCredential> {
    return this.client.data(routes.createFederatedCredential, { params: { id }, body }, options);
  }

  /**
   * @example
   * const credential = await rk.applications.federatedCredentials.get(appId, credentialId);
   */
  get(id: string, credentialId: string, options?: RequestOptions): APIPromise<FederatedCredential> {
    return this.client.data(routes.getFederatedCredential, { params: { id, credentialId } }, options);
  }

  /**
   * The workload's next token request is refused; tokens it already holds run until they expire.
   *
   * @example
   * await rk.applications.federatedCredentials.delete(appId, credentialId);
   */
  delete(id: string, credentialId: string, options?: RequestOptions): APIPromise<void> {
    return this.client.none(routes.deleteFederatedCredential, { params: { id, credentialId } }, options);
  }
}
