import { type EntityName, LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CreateRoleBody, ListQuery, UpdateRoleBody } from '@realmkit/contract';
import { findInRealm } from '../db/find-in-realm.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Page, paged, searchFilter } from '../db/pagination.ts';
import { deleteRow, type RowCheck, updateRow } from '../db/row-version.ts';
import { withConflicts } from '../db/unique-violation.ts';
import { NotFoundError } from '../errors/api-error.ts';
import { assertKnownIds } from '../http/unknown-ids.ts';
import type { ResourceService, ScopeWithResource } from '../resources/resource.service.ts';
import { ApplicationRoleEntity, type Role, RoleEntity, RoleScopeEntity, UserRoleEntity } from './role.entity.ts';

const CONFLICTS = {
  roles_name_unique: { path: 'name', message: 'A role with this name already exists in this realm' },
};
const notFound = () => new NotFoundError('Role not found');

/** What roles are assigned to: each with its assignment table and the column naming the holder. */
const HOLDERS = {
  user: { entity: UserRoleEntity, key: 'userId' },
  application: { entity: ApplicationRoleEntity, key: 'applicationId' },
} as const;
export type RoleHolder = keyof typeof HOLDERS;

interface Assignment {
  roleId: string;
  realmId: string;
}

function holderTable(holder: RoleHolder): EntityName<Assignment> {
  return HOLDERS[holder].entity as unknown as EntityName<Assignment>;
}

/** Roles: named sets of scopes, assigned to users and m2m applications. */
export class RoleService {
  readonly #orm: Orm;
  readonly #resources: ResourceService;

  constructor(orm: Orm, resources: ResourceService) {
    this.#orm = orm;
    this.#resources = resources;
  }

  list(realmId: string, query: ListQuery): Promise<Page<Role>> {
    return paged(query, (window) =>
      this.#orm.em.findAndCount(
        RoleEntity,
        { realmId, ...searchFilter(query.search, ['name', 'description']) },
        { orderBy: { name: 'asc' }, ...window },
      ),
    );
  }

  async get(realmId: string, id: string): Promise<Role> {
    const role = await findInRealm(this.#orm.em, RoleEntity, id, realmId);
    if (!role) throw new NotFoundError('Role not found');
    return role;
  }

  async create(realmId: string, input: CreateRoleBody): Promise<Role> {
    const role = this.#orm.em.create(RoleEntity, {
      id: newId(),
      realmId,
      name: input.name,
      description: input.description ?? null,
    });
    await withConflicts(CONFLICTS, () => this.#orm.em.flush());
    return role;
  }

  /** `check` is the request's precondition (`If-Match`), judged under the row's lock. */
  update(realmId: string, id: string, input: UpdateRoleBody, check?: RowCheck): Promise<Role> {
    return withConflicts(CONFLICTS, () =>
      updateRow(this.#orm.em, RoleEntity, { id, realmId }, { check, notFound }, (role) => {
        if (input.name !== undefined) role.name = input.name;
        if (input.description !== undefined) role.description = input.description;
      }),
    );
  }

  /** Deletes the role; its assignments to users, applications and scopes go with it (cascade). */
  async delete(realmId: string, id: string, check?: RowCheck): Promise<void> {
    await deleteRow(this.#orm.em, RoleEntity, { id, realmId }, { check, notFound });
  }

  async listScopes(realmId: string, id: string, query: ListQuery): Promise<Page<ScopeWithResource>> {
    await this.get(realmId, id);
    const held = await this.#orm.em.find(RoleScopeEntity, { realmId, roleId: id }, { fields: ['scopeId'] });
    return this.#resources.listScopesById(
      realmId,
      held.map((row) => row.scopeId),
      query,
    );
  }

  /** Adds scopes to the role: all of them, or none when an id is unknown (422). */
  async assignScopes(realmId: string, id: string, scopeIds: readonly string[]): Promise<void> {
    const wanted = [...new Set(scopeIds)];
    await this.#orm.em.transactional(async (em) => {
      await this.#lockRole(em, realmId, id);
      // Locked so that a concurrent delete cannot slip between the check and the insert.
      const known = await this.#resources.lockScopes(em, realmId, wanted);
      assertKnownIds('scope_ids', 'scope', scopeIds, known);
      await em
        .createQueryBuilder(RoleScopeEntity)
        .insert(wanted.map((scopeId) => ({ roleId: id, scopeId, realmId, createdAt: new Date() })))
        .onConflict(['roleId', 'scopeId'])
        .ignore()
        .execute();
    });
  }

  async removeScope(realmId: string, id: string, scopeId: string): Promise<void> {
    await this.get(realmId, id);
    const deleted = await this.#orm.em.nativeDelete(RoleScopeEntity, { realmId, roleId: id, scopeId });
    if (deleted === 0) throw new NotFoundError('The role does not hold this scope');
  }

  /** The roles assigned to a user or an application (whose existence the caller checked). */
  async listAssigned(holder: RoleHolder, realmId: string, holderId: string, query: ListQuery): Promise<Page<Role>> {
    const assigned = await this.#orm.em.find(
      holderTable(holder),
      { realmId, [HOLDERS[holder].key]: holderId },
      { fields: ['roleId'] },
    );
    return paged(query, (window) =>
      this.#orm.em.findAndCount(
        RoleEntity,
        {
          realmId,
          id: { $in: assigned.map((row) => row.roleId) },
          ...searchFilter(query.search, ['name', 'description']),
        },
        { orderBy: { name: 'asc' }, ...window },
      ),
    );
  }

  /**
   * Assigns roles to a user or an application: all of them, or none when an id is unknown (422).
   * Roles already assigned stay as they are. `lockHolder` runs first, in the same transaction.
   */
  async assign(
    holder: RoleHolder,
    realmId: string,
    holderId: string,
    roleIds: readonly string[],
    lockHolder: (em: EntityManager) => Promise<void>,
  ): Promise<void> {
    const wanted = [...new Set(roleIds)];
    await this.#orm.em.transactional(async (em) => {
      await lockHolder(em);
      const known = await em.find(
        RoleEntity,
        { realmId, id: { $in: wanted } },
        { fields: ['id'], lockMode: LockMode.PESSIMISTIC_READ },
      );
      assertKnownIds(
        'role_ids',
        'role',
        roleIds,
        known.map((role) => role.id),
      );
      await em
        .createQueryBuilder(holderTable(holder))
        .insert(wanted.map((roleId) => ({ [HOLDERS[holder].key]: holderId, roleId, realmId, createdAt: new Date() })))
        .onConflict([HOLDERS[holder].key as 'roleId', 'roleId'])
        .ignore()
        .execute();
    });
  }

  async unassign(holder: RoleHolder, realmId: string, holderId: string, roleId: string): Promise<void> {
    const deleted = await this.#orm.em.nativeDelete(holderTable(holder), {
      realmId,
      roleId,
      [HOLDERS[holder].key]: holderId,
    });
    if (deleted === 0) throw new NotFoundError('The role is not assigned');
  }

  async #lockRole(em: EntityManager, realmId: string, id: string): Promise<void> {
    const role = await em.findOne(RoleEntity, { id, realmId }, { lockMode: LockMode.PESSIMISTIC_READ });
    if (!role) throw new NotFoundError('Role not found');
  }

  async findByName(em: EntityManager, realmId: string, name: string): Promise<Role | null> {
    return em.findOne(RoleEntity, { realmId, name });
  }

  /** Creates a role holding `scopeIds`, inside the caller's transaction. */
  addRole(em: EntityManager, realmId: string, input: { name: string; description: string; scopeIds: string[] }): Role {
    const role = em.create(RoleEntity, { id: newId(), realmId, name: input.name, description: input.description });
    for (const scopeId of input.scopeIds) em.create(RoleScopeEntity, { roleId: role.id, scopeId, realmId });
    return role;
  }

  assignToApplication(em: EntityManager, realmId: string, applicationId: string, roleId: string): void {
    em.create(ApplicationRoleEntity, { applicationId, roleId, realmId });
  }

  /** Names of the scopes of `resourceId` that the application's roles hold. */
  scopesGrantedToApplication(realmId: string, applicationId: string, resourceId: string): Promise<string[]> {
    return this.#scopesGranted('application_roles', 'application_id', realmId, applicationId, resourceId);
  }

  /** Names of the scopes of `resourceId` that the user's roles hold: what a user's access token for it carries. */
  scopesGrantedToUser(realmId: string, userId: string, resourceId: string): Promise<string[]> {
    return this.#scopesGranted('user_roles', 'user_id', realmId, userId, resourceId);
  }

  async #scopesGranted(
    table: 'application_roles' | 'user_roles',
    holderColumn: 'application_id' | 'user_id',
    realmId: string,
    holderId: string,
    resourceId: string,
  ): Promise<string[]> {
    // A fork: the token endpoint, which asks this through the hot-path cache, has no request context.
    const rows: { name: string }[] = await this.#orm.em.fork().execute(
      `select distinct s.name
         from ${table} h
         join role_scopes rs on rs.role_id = h.role_id and rs.realm_id = h.realm_id
         join resource_scopes s on s.id = rs.scope_id and s.realm_id = h.realm_id
        where h.realm_id = ? and h.${holderColumn} = ? and s.resource_id = ?
        order by s.name`,
      [realmId, holderId, resourceId],
    );
    return rows.map((row) => row.name);
  }
}
