import { initContract } from '@ts-rest/core';
import { errorResponses } from '../common/errors.ts';
import { requires } from '../common/metadata.ts';
import { withMiddleware } from '../common/middleware.ts';
import { ListQuery, listOf, single } from '../common/pagination.ts';
import { REALM_API_PATH } from '../common/paths.ts';
import { RealmIdPathParams, RealmIdScopeIdPathParams, RealmPathParams } from '../common/primitives.ts';
import { REALM_MANAGEMENT_RESPONSES } from '../common/responses.ts';
import { AssignScopesBody, CreateRoleBody, Role, RoleScope, UpdateRoleBody } from './role.schemas.ts';

const c = initContract();
const TAG = 'Roles';

/** `/api/v1/{realm}/roles`, as `docs/reference/management-api.txt` lists it. */
export const rolesContract = c.router(
  withMiddleware({
    list: {
      method: 'GET',
      path: '',
      pathParams: RealmPathParams,
      query: ListQuery,
      responses: { 200: listOf(Role) },
      summary: 'List roles',
      description: 'By name. `search` matches name and description, case-insensitively.',
      metadata: requires('roles:read', TAG),
    },
    create: {
      method: 'POST',
      path: '',
      pathParams: RealmPathParams,
      body: CreateRoleBody,
      responses: { 201: single(Role), ...errorResponses(409) },
      summary: 'Create a role',
      description: 'Names are unique per realm (409).',
      metadata: requires('roles:write', TAG, { etag: true }),
    },
    get: {
      method: 'GET',
      path: '/:id',
      pathParams: RealmIdPathParams,
      responses: { 200: single(Role) },
      summary: 'Get a role',
      description: 'Its name and description; `GET .../roles/{id}/scopes` lists the scopes it holds.',
      metadata: requires('roles:read', TAG, { etag: true }),
    },
    update: {
      method: 'PATCH',
      path: '/:id',
      pathParams: RealmIdPathParams,
      body: UpdateRoleBody,
      responses: { 200: single(Role), ...errorResponses(409) },
      summary: 'Update a role',
      description: 'Only the fields sent change. Names stay unique per realm (409).',
      metadata: requires('roles:write', TAG, { etag: true }),
    },
    delete: {
      method: 'DELETE',
      path: '/:id',
      pathParams: RealmIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody() },
      summary: 'Delete a role',
      description:
        'Also removes it from every user and application. Tokens already issued keep their scopes until they expire.',
      metadata: requires('roles:write', TAG, { etag: true }),
    },
    listScopes: {
      method: 'GET',
      path: '/:id/scopes',
      pathParams: RealmIdPathParams,
      query: ListQuery,
      responses: { 200: listOf(RoleScope) },
      summary: "List a role's scopes",
      description: 'By scope name. `search` matches scope name and description.',
      metadata: requires('roles:read', TAG),
    },
    assignScopes: {
      method: 'POST',
      path: '/:id/scopes',
      pathParams: RealmIdPathParams,
      body: AssignScopesBody,
      responses: { 204: c.noBody(), ...errorResponses(422) },
      summary: 'Assign scopes to a role',
      description:
        'Scopes of any API resource of the realm, the Management API included. All or nothing: unknown scope ids ' +
        'answer 422 listing them, and assign none. Scopes already assigned are not an error.',
      metadata: requires('roles:write', TAG),
    },
    removeScope: {
      method: 'DELETE',
      path: '/:id/scopes/:scopeId',
      pathParams: RealmIdScopeIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody() },
      summary: 'Remove a scope from a role',
      description: '404 when the role does not hold the scope.',
      metadata: requires('roles:write', TAG),
    },
  }),
  { pathPrefix: `${REALM_API_PATH}/roles`, strictStatusCodes: true, commonResponses: REALM_MANAGEMENT_RESPONSES },
);
