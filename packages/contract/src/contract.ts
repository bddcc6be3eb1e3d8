import { initContract } from '@ts-rest/core';
import { applicationsContract } from './applications/applications.contract.ts';
import { auditLogsContract } from './audit-logs/audit-logs.contract.ts';
import { healthContract } from './health/health.contract.ts';
import { oauthContract } from './oauth/oauth.contract.ts';
import { realmsContract } from './realms/realms.contract.ts';
import { resourcesContract } from './resources/resources.contract.ts';
import { rolesContract } from './roles/roles.contract.ts';
import { signingKeysContract } from './signing-keys/signing-keys.contract.ts';
import { usersContract } from './users/users.contract.ts';
import { usersByRealmNameContract } from './users-by-realm-name/users-by-realm-name.contract.ts';

const c = initContract();

/** Every Realmkit endpoint, once. The server, the OpenAPI document and the SDK derive from it. */
export const contract = c.router({
  oauth: oauthContract,
  realms: realmsContract,
  users: usersContract,
  applications: applicationsContract,
  roles: rolesContract,
  resources: resourcesContract,
  usersByRealmName: usersByRealmNameContract,
  signingKeys: signingKeysContract,
  auditLogs: auditLogsContract,
  health: healthContract,
});

export type Contract = typeof contract;
