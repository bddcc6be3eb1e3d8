import type { RequestHandler } from 'express';
import type { Application } from '../applications/application.entity.ts';
import type { ApplicationService } from '../applications/application.service.ts';
import type { Clock } from '../clock/clock.ts';
import type { Orm } from '../db/orm.ts';
import { onResponse, responseStep } from '../http/response-hooks.ts';
import type { Realm } from '../realms/realm.entity.ts';
import type { RealmService } from '../realms/realm.service.ts';
import type { Resource } from '../resources/resource.entity.ts';
import type { ResourceService } from '../resources/resource.service.ts';
import type { RoleService } from '../roles/role.service.ts';

/**
 * How long another instance may answer from what it read before a change: a deleted application,
 * a rotated secret, a removed scope or role take effect there within this time (on the instance
 * that made the change, at once: see {@link HotPathCache.clear}). Like the signing keys' version
 * check (KEY_VERSION_CHECK_MS).
 */
export const HOT_PATH_CACHE_TTL_MS = 2_000;
/** Bounds memory when many distinct realms or clients are asked for (or made up by callers). */
const MAX_ENTRIES = 10_000;

interface Entry {
  value: Promise<unknown>;
  expiresAt: number;
}

export interface HotPathSources {
  orm: Orm;
  realms: RealmService;
  applications: ApplicationService;
  resources: ResourceService;
  roles: RoleService;
}

/**
 * What every token request and every Management API call reads and almost never changes: the
 * realm by its name or id, the application by its client id, the token's target resource, the
 * scopes an application's roles grant. Read through here, a steady client costs no database
 * round trip (docs/performance.md: four per token before). Entries live
 * {@link HOT_PATH_CACHE_TTL_MS}; every Management API write on this instance clears the cache
 * (app.ts), so this instance never answers from before its own writes.
 *
 * Values are shared between requests and must not be mutated. Misses are cached too (an unknown
 * client id costs the database once per interval, not once per request).
 */
export class HotPathCache {
  readonly #sources: HotPathSources;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #entries = new Map<string, Entry>();
  #generation = 0;

  constructor(sources: HotPathSources, clock: Clock, ttlMs = HOT_PATH_CACHE_TTL_MS) {
    this.#sources = sources;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** By UUID or name. */
  realm(ref: string): Promise<Realm | null> {
    return this.#get(`realm\0${ref}`, () => this.#sources.realms.findByRef(ref));
  }

  application(realmId: string, clientId: string): Promise<Application | null> {
    return this.#get(`application\0${realmId}\0${clientId}`, () =>
      this.#sources.applications.findByClientId(this.#sources.orm.em.fork(), realmId, clientId),
    );
  }

  /** The resource a token request targets: by indicator, or the realm's Management API. */
  resource(realm: { id: string; name: string }, indicator: string | undefined): Promise<Resource | null> {
    return this.#get(`resource\0${realm.id}\0${indicator ?? ''}`, () =>
      this.#sources.resources.findTarget(realm, indicator),
    );
  }

  grantedScopes(realmId: string, applicationId: string, resourceId: string): Promise<string[]> {
    return this.#get(`scopes\0${realmId}\0${applicationId}\0${resourceId}`, () =>
      this.#sources.roles.scopesGrantedToApplication(realmId, applicationId, resourceId),
    );
  }

  /** Forgets everything: after a write, so that this instance reads its own writes. */
  clear(): void {
    this.#entries.clear();
    this.#generation++;
  }

  /**
   * Changes at every {@link clear}: what was derived from the cache's values (a verified access
   * token's principal) is current while the generation it was derived in is.
   */
  get generation(): number {
    return this.#generation;
  }

  /** How long what is read now may be answered from: {@link HOT_PATH_CACHE_TTL_MS} from now. */
  freshUntil(): number {
    return this.#clock() + this.#ttlMs;
  }

  #get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.#clock();
    const cached = this.#entries.get(key);
    if (cached && cached.expiresAt > now) return cached.value as Promise<T>;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    const value = load();
    const entry = { value, expiresAt: now + this.#ttlMs };
    this.#entries.set(key, entry);
    // A failed read is not remembered: the next request asks again.
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }
}

/** The step of {@link clearHotPathAfterWrites} among the response hooks (app.ts orders them). */
export const clearHotPathStep = responseStep('clear-hot-path');

/**
 * Clears the cache as a Management API write succeeds (its transaction has committed by then), so
 * that the next request on this instance, a token request of the client just deleted say, reads
 * the change. A refused write (4xx, 5xx) changed nothing and leaves it. Mounted on the routes
 * whose writes can change what the cache holds (app.ts): not on the token endpoint, not on users.
 */
export function clearHotPathAfterWrites(cache: HotPathCache): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      onResponse(res, clearHotPathStep, {
        beforeHead: (status) => {
          if (status >= 200 && status < 300) cache.clear();
        },
      });
    }
    next();
  };
}
