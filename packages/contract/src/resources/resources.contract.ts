import { initContract } from '@ts-rest/core';
import { errorResponses } from '../common/errors.ts';
import { requires } from '../common/metadata.ts';
import { withMiddleware } from '../common/middleware.ts';
import { ListQuery, listOf, single } from '../common/pagination.ts';
import { REALM_API_PATH } from '../common/paths.ts';
import { RealmIdPathParams, RealmIdScopeIdPathParams, RealmPathParams } from '../common/primitives.ts';
import { REALM_MANAGEMENT_RESPONSES } from '../common/responses.ts';
import {
  CreateResourceBody,
  CreateScopeBody,
  RESOURCE_INDICATOR_RULE,
  Resource,
  Scope,
  UpdateResourceBody,
  UpdateScopeBody,
} from './resource.schemas.ts';

const c = initContract();
const TAG = 'Resources';
const READ_ONLY = 'The built-in Management API resource is read-only: 422.';

/** `/api/v1/{realm}/resources`, as `docs/reference/management-api.txt` lists it. */
export const resourcesContract = c.router(
  withMiddleware({
    list: {
      method: 'GET',
      path: '',
      pathParams: RealmPathParams,
      query: ListQuery,
      responses: { 200: listOf(Resource) },
      summary: 'List API resources',
      description: "The realm's built-in Management API first, then newest first. `search` matches name and indicator.",
      metadata: requires('resources:read', TAG),
    },
    create: {
      method: 'POST',
      path: '',
      pathParams: RealmPathParams,
      body: CreateResourceBody,
      responses: { 201: single(Resource), ...errorResponses(409, 422) },
      summary: 'Create an API resource',
      description: `Indicators are unique per realm (409). ${RESOURCE_INDICATOR_RULE}`,
      metadata: requires('resources:write', TAG, { etag: true }),
    },
    get: {
      method: 'GET',
      path: '/:id',
      pathParams: RealmIdPathParams,
      responses: { 200: single(Resource) },
      summary: 'Get an API resource',
      description: 'Its indicator, token lifetime, and whether it is the built-in Management API.',
      metadata: requires('resources:read', TAG, { etag: true }),
    },
    update: {
      method: 'PATCH',
      path: '/:id',
      pathParams: RealmIdPathParams,
      body: UpdateResourceBody,
      responses: { 200: single(Resource), ...errorResponses(422) },
      summary: 'Update an API resource',
      description: `A new \`access_token_ttl\` applies to tokens issued from then on. ${READ_ONLY} A resource whose indicator breaks the rule (created before it, or now under a changed \`REALMKIT_ISSUER_URL\`) cannot be updated (422, a detail on \`indicator\`) nor be a token's target: delete it and create one with an allowed indicator.`,
      metadata: requires('resources:write', TAG, { etag: true }),
    },
    delete: {
      method: 'DELETE',
      path: '/:id',
      pathParams: RealmIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody(), ...errorResponses(422) },
      summary: 'Delete an API resource',
      description: `Also deletes its scopes and removes them from every role; tokens already issued stay valid until they expire. ${READ_ONLY}`,
      metadata: requires('resources:write', TAG, { etag: true }),
    },
    listScopes: {
      method: 'GET',
      path: '/:id/scopes',
      pathParams: RealmIdPathParams,
      query: ListQuery,
      responses: { 200: listOf(Scope) },
      summary: "List an API resource's scopes",
      description: 'By name. `search` matches name and description.',
      metadata: requires('resources:read', TAG),
    },
    createScope: {
      method: 'POST',
      path: '/:id/scopes',
      pathParams: RealmIdPathParams,
      body: CreateScopeBody,
      responses: { 201: single(Scope), ...errorResponses(409, 422) },
      summary: 'Add a scope to an API resource',
      description: `Scope names are unique per resource (409). ${READ_ONLY}`,
      metadata: requires('resources:write', TAG, { etag: true }),
    },
    updateScope: {
      method: 'PATCH',
      path: '/:id/scopes/:scopeId',
      pathParams: RealmIdScopeIdPathParams,
      body: UpdateScopeBody,
      responses: { 200: single(Scope), ...errorResponses(409, 422) },
      summary: 'Update a scope',
      description: `Renaming a scope changes what new tokens carry; roles keep holding it. ${READ_ONLY}`,
      metadata: requires('resources:write', TAG, { etag: true }),
    },
    deleteScope: {
      method: 'DELETE',
      path: '/:id/scopes/:scopeId',
      pathParams: RealmIdScopeIdPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody(), ...errorResponses(422) },
      summary: 'Delete a scope',
      description: `Also removes it from every role. ${READ_ONLY}`,
      metadata: requires('resources:write', TAG, { etag: true }),
    },
  }),
  { pathPrefix: `${REALM_API_PATH}/resources`, strictStatusCodes: true, commonResponses: REALM_MANAGEMENT_RESPONSES },
);
