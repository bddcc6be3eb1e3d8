/** Scopes of the Management API in every realm, as `docs/reference/management-api.txt` lists them. */
export const REALM_MANAGEMENT_SCOPES = [
  'users:read',
  'users:write',
  'users:roles',
  'applications:read',
  'applications:write',
  'roles:read',
  'roles:write',
  'resources:read',
  'resources:write',
  'audit-logs:read',
] as const;

/**
 * The realm that exists from the first start: its tokens may manage every realm and the realms
 * themselves (Keycloak's model). It cannot be deleted.
 */
export const MASTER_REALM = 'master';

/** Scopes that only the master realm's Management API carries. */
export const MASTER_ONLY_SCOPES = ['realms:read', 'realms:write'] as const;

export const MANAGEMENT_SCOPES = [...REALM_MANAGEMENT_SCOPES, ...MASTER_ONLY_SCOPES] as const;

export type ManagementScope = (typeof MANAGEMENT_SCOPES)[number];

/** What each Management API scope allows, for the built-in resource and the OpenAPI document. */
export const MANAGEMENT_SCOPE_DESCRIPTIONS: Record<ManagementScope, string> = {
  'users:read': 'Read users and their identities',
  'users:write': 'Create, update, suspend and delete users; set passwords',
  'users:roles': "Read and change users' role assignments",
  'applications:read': 'Read applications and their roles',
  'applications:write': 'Create, update and delete applications; assign roles',
  'roles:read': 'Read roles and their scopes',
  'roles:write': 'Create, update and delete roles; assign scopes',
  'resources:read': 'Read API resources and their scopes',
  'resources:write': 'Create, update and delete API resources and scopes',
  'audit-logs:read': "Read the realm's audit log of Management API writes",
  'realms:read': 'Read realms (master realm only)',
  'realms:write': 'Create, update and delete realms (master realm only)',
};
