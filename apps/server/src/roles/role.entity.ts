import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { versionAndTimestamps } from '../db/row-version.ts';
import { createdAt } from '../db/timestamps.ts';

export const RoleEntity = defineEntity({
  name: 'Role',
  tableName: 'roles',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    name: p.text(),
    description: p.text().nullable(),
    ...versionAndTimestamps(),
  },
  uniques: [{ name: 'roles_name_unique', properties: ['realmId', 'name'] }],
});
export type Role = InferEntity<typeof RoleEntity>;

/** A scope a role grants. */
export const RoleScopeEntity = defineEntity({
  name: 'RoleScope',
  tableName: 'role_scopes',
  properties: {
    roleId: p.uuid().primary(),
    scopeId: p.uuid().primary(),
    realmId: p.uuid(),
    createdAt: createdAt(),
  },
  indexes: [{ name: 'role_scopes_scope_idx', properties: ['scopeId'] }],
});

/** A role assigned to an (m2m) application. */
export const ApplicationRoleEntity = defineEntity({
  name: 'ApplicationRole',
  tableName: 'application_roles',
  properties: {
    applicationId: p.uuid().primary(),
    roleId: p.uuid().primary(),
    realmId: p.uuid(),
    createdAt: createdAt(),
  },
  indexes: [{ name: 'application_roles_role_idx', properties: ['roleId'] }],
});

/** A role assigned to a user. */
export const UserRoleEntity = defineEntity({
  name: 'UserRole',
  tableName: 'user_roles',
  properties: {
    userId: p.uuid().primary(),
    roleId: p.uuid().primary(),
    realmId: p.uuid(),
    createdAt: createdAt(),
  },
  indexes: [{ name: 'user_roles_role_idx', properties: ['roleId'] }],
});
