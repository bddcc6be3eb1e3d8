import { initContract } from '@ts-rest/core';
import { errorResponses } from '../common/errors.ts';
import { requires } from '../common/metadata.ts';
import { withMiddleware } from '../common/middleware.ts';
import { ListQuery, listOf, single } from '../common/pagination.ts';
import { REALMS_API_PATH } from '../common/paths.ts';
import { RealmPathParams } from '../common/primitives.ts';
import { MANAGEMENT_RESPONSES } from '../common/responses.ts';
import { CreateRealmBody, Realm, UpdateRealmBody } from './realm.schemas.ts';

const c = initContract();
const TAG = 'Realms';

/** `/api/v1/realms`: master-realm tokens only. */
export const realmsContract = c.router(
  withMiddleware({
    list: {
      method: 'GET',
      path: '',
      query: ListQuery,
      responses: { 200: listOf(Realm) },
      summary: 'List realms',
      description: 'Paginated; `search` matches name and display name.',
      metadata: requires('realms:read', TAG, { masterOnly: true }),
    },
    create: {
      method: 'POST',
      path: '',
      body: CreateRealmBody,
      responses: { 201: single(Realm), ...errorResponses(409, 422) },
      summary: 'Create a realm',
      description:
        'Creates the realm with its signing key (`signing_algorithm`, default RS256) and its built-in Management ' +
        'API resource. `password_policy` and `require_verified_email` take their defaults where left out.',
      metadata: requires('realms:write', TAG, { masterOnly: true, etag: true }),
    },
    get: {
      method: 'GET',
      path: '/:realm',
      pathParams: RealmPathParams,
      responses: { 200: single(Realm), ...errorResponses(404) },
      summary: 'Get a realm by UUID or name',
      description: '`{realm}` is either; 404 when no realm has it.',
      metadata: requires('realms:read', TAG, { masterOnly: true, etag: true }),
    },
    update: {
      method: 'PATCH',
      path: '/:realm',
      pathParams: RealmPathParams,
      body: UpdateRealmBody,
      responses: { 200: single(Realm), ...errorResponses(404) },
      summary: 'Update a realm',
      description:
        'The name is immutable: it is part of every issued token. A different `signing_algorithm` rotates the ' +
        "realm's signing key to a new key of that algorithm (see `POST /api/v1/realms/{realm}/keys/rotate`). " +
        'A partial `password_policy` is merged into the current one; the policy applies to passwords set from then on.',
      metadata: requires('realms:write', TAG, { masterOnly: true, etag: true }),
    },
    delete: {
      method: 'DELETE',
      path: '/:realm',
      pathParams: RealmPathParams,
      body: c.noBody(),
      responses: { 204: c.noBody(), ...errorResponses(404, 422) },
      summary: 'Delete a realm and everything in it',
      description: 'The master realm cannot be deleted.',
      metadata: requires('realms:write', TAG, { masterOnly: true, etag: true }),
    },
  }),
  { pathPrefix: REALMS_API_PATH, strictStatusCodes: true, commonResponses: MANAGEMENT_RESPONSES },
);
