/**
 * `@realmkit/sdk`: the typed client (token provider, resources, errors, pagination) lands with
 * its own issue. Until then it re-exports the contract, which works with ts-rest's `initClient`.
 */
export { type Contract, contract } from '@realmkit/contract';
