import type { Resource as ResourceBody, Scope as ScopeBody } from '@realmkit/contract';
import type { Resource, ResourceScope } from './resource.entity.ts';

export function presentResource(resource: Resource): ResourceBody {
  return {
    id: resource.id,
    name: resource.name,
    indicator: resource.indicator,
    access_token_ttl: resource.accessTokenTtl,
    is_management_api: resource.isManagement,
    created_at: resource.createdAt.toISOString(),
    updated_at: resource.updatedAt.toISOString(),
  };
}

export function presentScope(scope: ResourceScope): ScopeBody {
  return {
    id: scope.id,
    resource_id: scope.resourceId,
    name: scope.name,
    description: scope.description ?? null,
    created_at: scope.createdAt.toISOString(),
    updated_at: scope.updatedAt.toISOString(),
  };
}
