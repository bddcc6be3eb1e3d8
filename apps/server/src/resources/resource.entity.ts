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
});
export type ResourceScope = InferEntity<typeof ResourceScopeEntity>;
