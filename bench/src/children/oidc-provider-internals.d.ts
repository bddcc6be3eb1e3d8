// The two modules of node-oidc-provider's development adapter that oidc-peer-refresh.ts reaches
// into (the package has no `exports` map; these are its lib/ files, untyped).
declare module 'oidc-provider/lib/helpers/lru.js' {
  export default class LRU {
    constructor(options: { maxSize: number });
  }
}
declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  export function setStorage(store: unknown): void;
}
