import { z } from 'zod';
import { Id, idList, Timestamp } from '../common/primitives.ts';
import { Scope } from '../resources/resource.schemas.ts';

const RoleName = z.string().trim().min(1).max(128).meta({ example: 'editor' });
const Description = z.string().max(1024);

export const Role = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Role' });
export type Role = z.infer<typeof Role>;

export const CreateRoleBody = z
  .strictObject({
    name: RoleName.meta({ description: 'Unique in the realm.' }),
    description: Description.optional(),
  })
  .meta({ id: 'CreateRole', example: { name: 'editor', description: 'Can edit content' } });
export type CreateRoleBody = z.infer<typeof CreateRoleBody>;

export const UpdateRoleBody = z
  .strictObject({
    name: RoleName.optional(),
    description: Description.nullable().optional(),
  })
  .meta({ id: 'UpdateRole', example: { description: 'Can edit and publish content' } });
export type UpdateRoleBody = z.infer<typeof UpdateRoleBody>;

/** A scope a role holds, with the API resource it belongs to. */
export const RoleScope = Scope.extend({
  resource: z.object({ id: Id, name: z.string(), indicator: z.string() }),
}).meta({ id: 'RoleScope' });
export type RoleScope = z.infer<typeof RoleScope>;

export const AssignScopesBody = z
  .strictObject({ scope_ids: idList('Scopes of any API resource of the realm.') })
  .meta({ id: 'AssignScopes', example: { scope_ids: ['0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20'] } });

export const AssignRolesBody = z
  .strictObject({ role_ids: idList('Roles of the realm.') })
  .meta({ id: 'AssignRoles', example: { role_ids: ['0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20'] } });
