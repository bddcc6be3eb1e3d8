import { IsolationLevel, LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type CreateResourceBody,
  type CreateScopeBody,
  DEFAULT_ACCESS_TOKEN_TTL,
  isReservedIndicator,
  type ListQuery,
  MANAGEMENT_SCOPE_DESCRIPTIONS,
  MANAGEMENT_SCOPES,
  MASTER_ONLY_SCOPES,
  MASTER_REALM,
  type ManagementScope,
  REALM_MANAGEMENT_SCOPES,
  resourceIndicatorProblem,
  type UpdateResourceBody,
  type UpdateScopeBody,
} from '@realmkit/contract';
import { findInRealm } from '../db/find-in-realm.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Page, paged, searchFilter } from '../db/pagination.ts';
import { deleteRow, type RowCheck, updateRow } from '../db/row-version.ts';
import { withConflicts } from '../db/unique-violation.ts';
import { ApiError, NotFoundError, ValidationError } from '../errors/api-error.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import { type Resource, ResourceEntity, type ResourceScope, ResourceScopeEntity } from './resource.entity.ts';

export const MANAGEMENT_RESOURCE_NAME = 'Management API';

const RESOURCE_CONFLICTS = {
  resources_indicator_unique: {
    path: 'indicator',
    message: 'A resource with this indicator already exists in this realm',
  },
};
const SCOPE_CONFLICTS = {
  resource_scopes_name_unique: { path: 'name', message: 'This resource already has a scope with this name' },
};

/** A scope together with the API resource it belongs to. */
export interface ScopeWithResource {
  scope: ResourceScope;
  resource: Resource;
}

/** The scopes of a realm's built-in Management API resource. */
export function managementScopesOf(realmName: string): readonly ManagementScope[] {
  return realmName === MASTER_REALM ? [...REALM_MANAGEMENT_SCOPES, ...MASTER_ONLY_SCOPES] : REALM_MANAGEMENT_SCOPES;
}

const resourceNotFound = () => new NotFoundError('Resource not found');
const scopeNotFound = () => new NotFoundError('Scope not found');

function assertWritable(resource: Resource): void {
  if (resource.isManagement) {
    throw new ApiError(422, 'The built-in Management API resource is read-only', { code: 'read_only' });
  }
}

/** A 422 on `indicator` when it breaks the contract's rule for indicators on this server. */
function assertAllowedIndicator(indicator: string, baseUrl: string): void {
  const problem = resourceIndicatorProblem(indicator, baseUrl);
  if (problem) {
    throw new ValidationError(`The resource indicator ${problem}`, [{ path: 'indicator', message: problem }]);
  }
}

/** API resources (RFC 8707 targets of access tokens) and their scopes. */
export class ResourceService {
  readonly #orm: Orm;
  readonly #issuers: Issuers;

  constructor(orm: Orm, issuers: Issuers) {
    this.#orm = orm;
    this.#issuers = issuers;
  }

  list(realmId: string, query: ListQuery): Promise<Page<Resource>> {
    return paged(query, (window) =>
      this.#orm.em.findAndCount(
        ResourceEntity,
        { realmId, ...searchFilter(query.search, ['name', 'indicator']) },
        { orderBy: [{ isManagement: 'desc' }, { id: 'desc' }], ...window },
      ),
    );
  }

  async get(realmId: string, id: string): Promise<Resource> {
    const resource = await findInRealm(this.#orm.em, ResourceEntity, id, realmId);
    if (!resource) throw new NotFoundError('Resource not found');
    return resource;
  }

  async create(realmId: string, input: CreateResourceBody): Promise<Resource> {
    assertAllowedIndicator(input.indicator, this.#issuers.baseUrl);
    const resource = this.#orm.em.create(ResourceEntity, {
      id: newId(),
      realmId,
      name: input.name,
      indicator: input.indicator,
      accessTokenTtl: input.access_token_ttl,
      isManagement: false,
    });
    await withConflicts(RESOURCE_CONFLICTS, () => this.#orm.em.flush());
    return resource;
  }

  /**
   * `check` is the request's precondition (`If-Match`), judged under the row's lock. A resource
   * whose indicator breaks the rule (a row from before it, or one that a new REALMKIT_ISSUER_URL
   * now covers) answers 422: it is no token's target any more (see {@link findTarget}), and
   * renaming it would hide that; the way out is to delete it and create an allowed one.
   */
  update(realmId: string, id: string, input: UpdateResourceBody, check?: RowCheck): Promise<Resource> {
    const guard = (resource: Resource) => {
      assertWritable(resource);
      assertAllowedIndicator(resource.indicator, this.#issuers.baseUrl);
    };
    const options = { check, notFound: resourceNotFound, guard };
    return updateRow(this.#orm.em, ResourceEntity, { id, realmId }, options, (resource) => {
      if (input.name !== undefined) resource.name = input.name;
      if (input.access_token_ttl !== undefined) resource.accessTokenTtl = input.access_token_ttl;
    });
  }

  /** Deletes the resource; its scopes, and their place in every role, go with it (cascade). */
  async delete(realmId: string, id: string, check?: RowCheck): Promise<void> {
    await deleteRow(
      this.#orm.em,
      ResourceEntity,
      { id, realmId },
      { check, notFound: resourceNotFound, guard: assertWritable },
    );
  }

  async listScopes(realmId: string, id: string, query: ListQuery): Promise<Page<ResourceScope>> {
    await this.get(realmId, id);
    return paged(query, (window) =>
      this.#orm.em.findAndCount(
        ResourceScopeEntity,
        { realmId, resourceId: id, ...searchFilter(query.search, ['name', 'description']) },
        { orderBy: { name: 'asc' }, ...window },
      ),
    );
  }

  async createScope(realmId: string, id: string, input: CreateScopeBody): Promise<ResourceScope> {
    return withConflicts(SCOPE_CONFLICTS, () =>
      this.#orm.em.transactional(async (em) => {
        // Locked so that a concurrent delete of the resource cannot slip between the check and the
        // insert (its foreign key would fail the commit: a 500).
        const resource = await em.findOne(ResourceEntity, { id, realmId }, { lockMode: LockMode.PESSIMISTIC_READ });
        if (!resource) throw new NotFoundError('Resource not found');
        assertWritable(resource);
        return em.create(ResourceScopeEntity, {
          id: newId(),
          realmId,
          resourceId: id,
          name: input.name,
          description: input.description ?? null,
        });
      }),
    );
  }

  async updateScope(
    realmId: string,
    id: string,
    scopeId: string,
    input: UpdateScopeBody,
    check?: RowCheck,
  ): Promise<ResourceScope> {
    assertWritable(await this.get(realmId, id));
    const where = { id: scopeId, resourceId: id, realmId };
    return withConflicts(SCOPE_CONFLICTS, () =>
      updateRow(this.#orm.em, ResourceScopeEntity, where, { check, notFound: scopeNotFound }, (scope) => {
        if (input.name !== undefined) scope.name = input.name;
        if (input.description !== undefined) scope.description = input.description;
      }),
    );
  }

  async deleteScope(realmId: string, id: string, scopeId: string, check?: RowCheck): Promise<void> {
    assertWritable(await this.get(realmId, id));
    const where = { id: scopeId, resourceId: id, realmId };
    await deleteRow(this.#orm.em, ResourceScopeEntity, where, { check, notFound: scopeNotFound });
  }

  /** A page of the scopes among `ids`, by name, each with its resource (for a role's scopes). */
  async listScopesById(realmId: string, ids: readonly string[], query: ListQuery): Promise<Page<ScopeWithResource>> {
    // One snapshot: a resource deleted between the two reads would leave its scopes without one.
    return this.#orm.em.transactional(
      async (em) => {
        const page = await paged(query, (window) =>
          em.findAndCount(
            ResourceScopeEntity,
            { realmId, id: { $in: [...ids] }, ...searchFilter(query.search, ['name', 'description']) },
            { orderBy: { name: 'asc' }, ...window },
          ),
        );
        const resourceIds = [...new Set(page.items.map((scope) => scope.resourceId))];
        const resources = new Map(
          (await em.find(ResourceEntity, { realmId, id: { $in: resourceIds } })).map((r) => [r.id, r]),
        );
        return {
          meta: page.meta,
          items: page.items.map((scope) => ({ scope, resource: resources.get(scope.resourceId) as Resource })),
        };
      },
      { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
    );
  }

  /**
   * Which of `ids` are scopes of the realm, locked (FOR SHARE) until the caller's transaction
   * ends so that they cannot be deleted under an assignment.
   */
  async lockScopes(em: EntityManager, realmId: string, ids: readonly string[]): Promise<string[]> {
    const scopes = await em.find(
      ResourceScopeEntity,
      { realmId, id: { $in: [...ids] } },
      { fields: ['id'], lockMode: LockMode.PESSIMISTIC_READ },
    );
    return scopes.map((scope) => scope.id);
  }

  /** Adds the realm's read-only Management API resource, inside the caller's transaction. */
  addManagementResource(em: EntityManager, realm: { id: string; name: string }): void {
    const resource = em.create(ResourceEntity, {
      id: newId(),
      realmId: realm.id,
      name: MANAGEMENT_RESOURCE_NAME,
      indicator: this.#issuers.managementAudienceOf(realm.name),
      accessTokenTtl: DEFAULT_ACCESS_TOKEN_TTL,
      isManagement: true,
    });
    for (const scope of managementScopesOf(realm.name)) {
      em.create(ResourceScopeEntity, {
        id: newId(),
        realmId: realm.id,
        resourceId: resource.id,
        name: scope,
        description: MANAGEMENT_SCOPE_DESCRIPTIONS[scope],
      });
    }
  }

  /**
   * The resource a token request targets: by indicator, or the Management API by default. The
   * Management API's indicator is this server's URL for the realm, whatever its row holds (each
   * start rewrites it to that start's REALMKIT_ISSUER_URL; another instance may still run at
   * another): its tokens' audience is what this server verifies. No other indicator may lie under
   * the server's URL: a row created before the rule, or one that a new REALMKIT_ISSUER_URL now
   * covers, is no target (`invalid_target`, and its tokens introspect inactive), so that no realm
   * mints tokens for another realm's Management API. Rows from before the rule that only break its
   * form (an `http:` indicator, say) keep working: their tokens cross no realm. Forks its own
   * EntityManager: the token endpoint runs outside any request context.
   */
  async findTarget(realm: { id: string; name: string }, indicator: string | undefined): Promise<Resource | null> {
    const em = this.#orm.em.fork();
    const managementIndicator = this.#issuers.managementAudienceOf(realm.name);
    if (indicator !== undefined && indicator !== managementIndicator) {
      if (isReservedIndicator(indicator, this.#issuers.baseUrl)) return null;
      return em.findOne(ResourceEntity, { realmId: realm.id, indicator, isManagement: false });
    }
    const management = await em.findOne(ResourceEntity, { realmId: realm.id, isManagement: true });
    // Read-only from here (the fork is never flushed).
    if (management) management.indicator = managementIndicator;
    return management;
  }

  async scopeIds(realmId: string, resourceId: string): Promise<string[]> {
    const scopes = await this.#orm.em.find(ResourceScopeEntity, { realmId, resourceId }, { fields: ['id'] });
    return scopes.map((scope) => scope.id);
  }

  /**
   * Adds to every realm's Management API the management scopes it lacks: scopes that a newer
   * Realmkit brought (`audit-logs:read`) reach existing realms at start, as new realms get them
   * at creation. Safe when instances start together (`on conflict do nothing`). Answers the ids
   * of the scopes this call added to the master realm, for its `admin` role.
   */
  async syncManagementScopes(em: EntityManager): Promise<string[]> {
    // Lists travel as one JSON parameter: the query builder would spread an array parameter.
    const missing = await em.execute<{ resource_id: string; realm_id: string; realm_name: string; name: string }[]>(
      `select r.id as resource_id, r.realm_id, realms.name as realm_name, s.name
         from resources r
         join realms on realms.id = r.realm_id
        cross join jsonb_array_elements_text(?::jsonb) as s(name)
        where r.is_management
          and not exists (select 1 from resource_scopes rs where rs.resource_id = r.id and rs.name = s.name)`,
      [JSON.stringify(MANAGEMENT_SCOPES)],
    );
    const rows = missing
      .filter((row) => managementScopesOf(row.realm_name).includes(row.name as ManagementScope))
      .map((row) => ({
        id: newId(),
        realm_id: row.realm_id,
        resource_id: row.resource_id,
        name: row.name,
        description: MANAGEMENT_SCOPE_DESCRIPTIONS[row.name as ManagementScope],
        master: row.realm_name === MASTER_REALM,
      }));
    if (rows.length === 0) return [];
    const added = await em.execute<{ id: string }[]>(
      `insert into resource_scopes (id, realm_id, resource_id, name, description)
       select id, realm_id, resource_id, name, description
         from jsonb_to_recordset(?::jsonb) as x(id uuid, realm_id uuid, resource_id uuid, name text, description text)
       on conflict (resource_id, name) do nothing
       returning id`,
      [JSON.stringify(rows)],
    );
    const addedIds = new Set(added.map((row) => row.id));
    return rows.filter((row) => row.master && addedIds.has(row.id)).map((row) => row.id);
  }

  /**
   * Keeps each Management API indicator equal to `${REALMKIT_ISSUER_URL}/api/v1/{realm}`, so
   * that changing the public URL does not strand the built-in resources. Runs at start.
   */
  async syncManagementIndicators(em: EntityManager): Promise<void> {
    const prefix = this.#issuers.managementAudienceOf('');
    await em.execute(
      `update resources r set indicator = ? || realms.name
         from realms
        where r.realm_id = realms.id and r.is_management and r.indicator <> ? || realms.name`,
      [prefix, prefix],
    );
  }
}
