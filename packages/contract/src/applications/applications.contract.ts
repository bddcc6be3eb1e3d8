import { initContract } from '@ts-rest/core';
import { errorResponses } from '../common/errors.ts';
import { MAX_FEDERATED_CREDENTIALS } from '../common/limits.ts';
import { requires } from '../common/metadata.ts';
import { withMiddleware } from '../common/middleware.ts';
import { ListQuery, listOf, single } from '../common/pagination.ts';
import { REALM_API_PATH } from '../common/paths.ts';
import {
  RealmIdCredentialIdPathParams,
  RealmIdPathParams,
  RealmIdRoleIdPathParams,
  RealmPathParams,
} from '../common/primitives.ts';
import { REALM_MANAGEMENT_RESPONSES } from '../common/responses.ts';
import { AssignRolesBody, Role } from '../roles/role.schemas.ts';
import {
  Application,
  ApplicationWithSecret,
  CreateApplicationBody,
  CreatedApplication,
  RotateSecretBody,
  UpdateApplicationBody,
} from './application.schemas.ts';
import { CreateFederatedCredentialBody, FederatedCredential } from './federated-credential.schemas.ts';

const c = initContract();
const TAG = 'Applications';

/** `/api/v1/{realm}/applications`, as `docs/reference/management-api.txt` lists it, plus secret rotation. */
export const applicationsContract = c.router(
  withMiddleware({
    list: {
      method: 'GET',
      path: '',
      pathParams: RealmPathParams,
      query: ListQuery,
      responses: { 200: listOf(Application) },
      summary: 'List applications',
      description: 'Newest first. `search` matches name, description and client id, case-insensitively.',
      metadata: requires('applications:read', TAG),
    },
    create: {
      method: 'POST',
      path: '',
      pathParams: RealmPathParams,
      body: CreateApplicationBody,
      responses: { 201: single(CreatedApplication), ...errorResponses(422) },
      summary: 'Create an application',
      description:
        'Confidential types (`traditional`, `m2m`) get a `client_secret`, returned only in this response, unless ' +
        'they authenticate with `private_key_jwt`. ' +
        'Redirect URIs that break the rules of the type answer 422 with one detail per URI.',
      metadata: requires('applications:write', TAG, { etag: true }),
    },
    get: {
      method: 'GET',
      path: '/:id',
      pathParams: RealmIdPathParams,
      responses: { 200: single(Application) },
      summary: 'Get an application',
      description: 'Never its client secret: that is shown only when created or rotated.',
      metadata: requires('applications:read', TAG, { etag: true }),
    },
    update: {
      method: 'PATCH',
      path: '/:id',
      pathParams: RealmIdPathParams,
      body: UpdateApplicationBody,
      responses: { 200: single(Application), ...errorResponses(422) },
      summary: 'Update an application',
      description:
        'Only the fields sent change; the type and client id are immutable. New redirect URIs are checked ' +
        'against the rules of the type (422). Setting `jwks` clears `jwks_uri`, and the other way round (RFC 7591 ' +
        '§2: never both). A change of keys takes effect at the next token request; a `jwks_uri` serving new keys ' +
        'is read again within its cache time.',
      metadata: requires('applications:write', TAG, { etag: true }),
    },
    delete: {
      method: 'DELETE',
      path: '/:id',
      pathParams: RealmIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody() },
      summary: 'Delete an application',
      description:
        'It can no longer get tokens from the next request on, and the tokens it already holds are refused by the ' +
        'Management API and answer `active: false` at introspection.',
      metadata: requires('applications:write', TAG, { etag: true }),
    },
    rotateSecret: {
      method: 'POST',
      path: '/:id/secret',
      pathParams: RealmIdPathParams,
      body: RotateSecretBody.optional(),
      responses: { 200: single(ApplicationWithSecret), ...errorResponses(422) },
      summary: "Rotate an application's client secret",
      description:
        'Issues a new secret, returned only in this response. The old one stops working at once, or keeps ' +
        'authenticating at the token and introspection endpoints for `grace_period_seconds` (up to 7 days) so ' +
        'that every instance of the client can switch; `previous_client_secret_expires_at` says until when. ' +
        "Public types (`spa`, `native`) have no secret: 422. `If-Match` takes the application's `ETag`; the " +
        'response carries its new one.',
      metadata: requires('applications:write', TAG, { etag: true, action: true }),
    },
    listRoles: {
      method: 'GET',
      path: '/:id/roles',
      pathParams: RealmIdPathParams,
      query: ListQuery,
      responses: { 200: listOf(Role) },
      summary: "List an application's roles",
      description: 'By name. `search` matches role name and description.',
      metadata: requires('applications:read', TAG),
    },
    assignRoles: {
      method: 'POST',
      path: '/:id/roles',
      pathParams: RealmIdPathParams,
      body: AssignRolesBody,
      responses: { 204: c.noBody(), ...errorResponses(422) },
      summary: 'Assign roles to an application',
      description:
        'Only `m2m` applications hold roles. All or nothing: unknown role ids answer 422 listing them, and ' +
        'assign none. Roles already assigned are not an error.',
      metadata: requires('applications:write', TAG),
    },
    removeRole: {
      method: 'DELETE',
      path: '/:id/roles/:roleId',
      pathParams: RealmIdRoleIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody() },
      summary: 'Remove a role from an application',
      description: '404 when the role is not assigned to the application.',
      metadata: requires('applications:write', TAG),
    },
    listFederatedCredentials: {
      method: 'GET',
      path: '/:id/federated-credentials',
      pathParams: RealmIdPathParams,
      query: ListQuery,
      responses: { 200: listOf(FederatedCredential) },
      summary: "List an application's federated credentials",
      description: 'By name. `search` matches name, issuer and subject.',
      metadata: requires('applications:read', TAG),
    },
    createFederatedCredential: {
      method: 'POST',
      path: '/:id/federated-credentials',
      pathParams: RealmIdPathParams,
      body: CreateFederatedCredentialBody,
      responses: { 201: single(FederatedCredential), ...errorResponses(409, 422) },
      summary: 'Trust a workload identity (workload identity federation)',
      description:
        "From the next token request on, a JWT that the workload's platform issued with exactly this `issuer` and " +
        '`subject`, and one of `audiences` in `aud`, authenticates the application: the workload sends it as ' +
        '`client_assertion` (RFC 7523 §2.2) with `client_id`. Only for an application whose ' +
        '`token_endpoint_auth_method` is `private_key_jwt` (422 otherwise); at most ' +
        `${MAX_FEDERATED_CREDENTIALS} per application. A name, or an issuer and subject, already trusted by the ` +
        'application answers 409.',
      metadata: requires('applications:write', TAG),
    },
    getFederatedCredential: {
      method: 'GET',
      path: '/:id/federated-credentials/:credentialId',
      pathParams: RealmIdCredentialIdPathParams,
      responses: { 200: single(FederatedCredential) },
      summary: 'Get a federated credential',
      description:
        "The `issuer`, `subject` and `audiences` that a workload's token must carry to authenticate the application. " +
        'Only under its own application: another id answers 404.',
      metadata: requires('applications:read', TAG),
    },
    deleteFederatedCredential: {
      method: 'DELETE',
      path: '/:id/federated-credentials/:credentialId',
      pathParams: RealmIdCredentialIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody() },
      summary: 'Stop trusting a workload identity',
      description: "The workload's next token request is refused; tokens it already holds run until they expire.",
      metadata: requires('applications:write', TAG),
    },
  }),
  {
    pathPrefix: `${REALM_API_PATH}/applications`,
    strictStatusCodes: true,
    commonResponses: REALM_MANAGEMENT_RESPONSES,
  },
);
