import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { versionAndTimestamps } from '../db/row-version.ts';

export const ResourceEntity = defineEntity({
  name: 'Resource',
  tableName: 'resources',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    name: p.text(),
    /** RFC 8707 resource indicator: the `aud` of tokens for this API. */
    indicator: p.text(),
    accessTokenTtl: p.integer().default(3600),
    /** The built-in, read-only Management API of the realm. */
    isManagement: p.boolean().default(false),
    ...versionAndTimestamps(),
  },
  uniques: [
    { name: 'resources_indicator_unique', properties: ['realmId', 'indicator'] },
    { name: 'resources_one_management', properties: ['realmId'], where: 'is_management' },
  ],
  checks: [
    { name: 'resources_access_token_ttl_check', expression: 'access_token_ttl >= 60 and access_token_ttl <= 86400' },
  ],
});
export type Resource = InferEntity<typeof ResourceEntity>;

export const ResourceScopeEntity = defineEntity({
  name: 'ResourceScope',
  tableName: 'resource_scopes',
  properties: {
    id: p.uuid().primary(),
    realmId: p.uuid(),
    resourceId: p.uuid(),
    name: p.text(),
    description: p.text().nullable(),
    ...versionAndTimestamps(),
  },
  uniques: [{ name: 'resource_scopes_name_unique', properties: ['resourceId', 'name'] }],
  indexes: [{ name: 'resource_scopes_realm_idx', properties: ['realmId'] }],
});
export type ResourceScope = InferEntity<typeof ResourceScopeEntity>;
