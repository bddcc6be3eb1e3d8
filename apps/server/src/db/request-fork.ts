import { AsyncLocalStorage } from 'node:async_hooks';
import { type EntityManager, RequestContext } from '@mikro-orm/core';

interface RequestFork {
  /** The EntityManager the request's own is forked from. */
  readonly root: EntityManager;
  /** MikroORM's request context when the request began: one made later, inside it, wins. */
  readonly outer: RequestContext | undefined;
  fork: EntityManager | undefined;
}

const requests = new AsyncLocalStorage<RequestFork>();

/**
 * Runs `next` with a fresh identity map of its own, as MikroORM's `RequestContext.create` does,
 * but forked only when something first asks for it ({@link contextEntityManager}). The reads that
 * need none (the hot-path cache's, `readInRealm`'s statement) then pay nothing: the fork was 4 %
 * of the server's time for `GET /users/{id}` (docs/performance.md, figure 4).
 */
export function withRequestFork<T>(root: EntityManager, next: () => T): T {
  return requests.run({ root, outer: RequestContext.currentRequestContext(), fork: undefined }, next);
}

/**
 * MikroORM's `context` option (db/orm.ts): the EntityManager of the running code. A request
 * context made inside a request (`RequestContext.create`) is the innermost and wins; otherwise
 * the request's own, forked now if this is its first use; outside requests, MikroORM's default.
 */
export function contextEntityManager(name: string): EntityManager | undefined {
  const orms = RequestContext.currentRequestContext();
  const request = requests.getStore();
  if (!request || request.root.name !== name || (orms && orms !== request.outer)) {
    return RequestContext.getEntityManager(name);
  }
  // Forked outside the request, as `RequestContext.create` forks before it enters: the new
  // EntityManager resolves its context while it is built, and would find no fork yet here.
  request.fork ??= requests.exit(() => request.root.fork({ useContext: true }));
  return request.fork;
}
