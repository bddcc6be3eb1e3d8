export type { TokenResponse } from '@realmkit/contract';
export { Realmkit, type RealmkitOptions, type RealmkitSettings, type Tokens } from './client.ts';
export type { TokenSource } from './core/api-client.ts';
export { APIPromise, type APIResponse, type WithResponse } from './core/api-promise.ts';
export type { ClientAssertion, KeyObjectLike, PrivateKey } from './core/client-assertion.ts';
export {
  type AccessToken,
  type ClientCredential,
  ClientCredentials,
  type ClientCredentialsOptions,
  type ClientCredentialsSettings,
  type TokenExchangeRequest,
} from './core/client-credentials.ts';
export { DpopKey, type DpopKeyPair, type DpopOption } from './core/dpop.ts';
export * from './core/errors.ts';
export type { RequestOptions } from './core/http.ts';
export type { CryptoKeyLike, Jwk } from './core/jws.ts';
export { Page, type PageCursor, PagePromise } from './core/pagination.ts';
export { VERSION } from './core/version.ts';
export * from './resources/applications.ts';
export * from './resources/audit-logs.ts';
export * from './resources/realms.ts';
export * from './resources/resources.ts';
export * from './resources/role-assignments.ts';
export * from './resources/roles.ts';
export * from './resources/users.ts';
export * from './resources/users-by-realm-name.ts';
