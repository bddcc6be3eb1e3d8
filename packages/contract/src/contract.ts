import { initContract } from '@ts-rest/core';
import { oauthContract } from './oauth/oauth.contract.ts';
import { realmsContract } from './realms/realms.contract.ts';
import { usersContract } from './users/users.contract.ts';

const c = initContract();

/** Every Realmkit endpoint, once. The server, the OpenAPI document and the SDK derive from it. */
export const contract = c.router({
  oauth: oauthContract,
  realms: realmsContract,
  users: usersContract,
});

export type Contract = typeof contract;
