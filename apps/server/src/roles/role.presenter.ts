import type { Role as RoleBody, RoleScope as RoleScopeBody } from '@realmkit/contract';
import { presentScope } from '../resources/resource.presenter.ts';
import type { ScopeWithResource } from '../resources/resource.service.ts';
import type { Role } from './role.entity.ts';

export function presentRole(role: Role): RoleBody {
  return {
    id: role.id,
    name: role.name,
    description: role.description ?? null,
    created_at: role.createdAt.toISOString(),
    updated_at: role.updatedAt.toISOString(),
  };
}

export function presentRoleScope({ scope, resource }: ScopeWithResource): RoleScopeBody {
  return { ...presentScope(scope), resource: { id: resource.id, name: resource.name, indicator: resource.indicator } };
}
