import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const RoleEntity = defineEntity({
  name: 'Role',
  tableName: 'roles',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    name: p.string(),
    description: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
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
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A role assigned to an (m2m) application. */
export const ApplicationRoleEntity = defineEntity({
  name: 'ApplicationRole',
  tableName: 'application_roles',
  properties: {
    applicationId: p.uuid().primary(),
    roleId: p.uuid().primary(),
    realmId: p.uuid(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A role assigned to a user. */
export const UserRoleEntity = defineEntity({
  name: 'UserRole',
  tableName: 'user_roles',
  properties: {
    userId: p.uuid().primary(),
    roleId: p.uuid().primary(),
    realmId: p.uuid(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
