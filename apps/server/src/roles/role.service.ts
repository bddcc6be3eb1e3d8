import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { ApplicationRoleEntity, type Role, RoleEntity, RoleScopeEntity } from './role.entity.ts';

/** Roles: named sets of scopes, assigned to users and m2m applications. */
export class RoleService {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
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
  async scopesGrantedToApplication(realmId: string, applicationId: string, resourceId: string): Promise<string[]> {
    const rows: { name: string }[] = await this.#orm.em.execute(
      `select distinct s.name
         from application_roles ar
         join role_scopes rs on rs.role_id = ar.role_id and rs.realm_id = ar.realm_id
         join resource_scopes s on s.id = rs.scope_id and s.realm_id = ar.realm_id
        where ar.realm_id = ? and ar.application_id = ? and s.resource_id = ?
        order by s.name`,
      [realmId, applicationId, resourceId],
    );
    return rows.map((row) => row.name);
  }
}
