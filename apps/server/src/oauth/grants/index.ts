import { type GrantType, TOKEN_EXCHANGE_GRANT_TYPE } from '@realmkit/contract';
import * as authorizationCode from './authorization-code.ts';
import * as clientCredentials from './client-credentials.ts';
import type { Grant } from './grant.ts';
import * as refreshToken from './refresh-token.ts';
import * as tokenExchange from './token-exchange.ts';

export type { Grant, GrantAudit, GrantContext, GrantRequest, GrantServices } from './grant.ts';

/**
 * Every grant type of the token endpoint, by its `grant_type`: the endpoint dispatches on this
 * table and discovery lists its names. A new grant is one module and one line here (and its name
 * in the contract's GRANT_TYPES, which this table must match).
 */
export const grants = {
  authorization_code: authorizationCode,
  client_credentials: clientCredentials,
  refresh_token: refreshToken,
  [TOKEN_EXCHANGE_GRANT_TYPE]: tokenExchange,
} as const satisfies Record<GrantType, Grant>;

export const GRANT_TYPE_NAMES = Object.keys(grants) as GrantType[];

/** The grant named `grantType`, if the endpoint serves it (an own key: not `constructor`, say). */
export function grantOf(grantType: string): Grant | undefined {
  return Object.hasOwn(grants, grantType) ? grants[grantType as GrantType] : undefined;
}
