import type { EntityManager } from '@mikro-orm/postgresql';
import { MANAGEMENT_SCOPE_DESCRIPTIONS, MASTER_ONLY_SCOPES, REALM_MANAGEMENT_SCOPES } from '@realmkit/contract';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import type { Issuers } from '../oauth/issuer.ts';
import { type Resource, ResourceEntity, ResourceScopeEntity } from './resource.entity.ts';

export const MANAGEMENT_RESOURCE_NAME = 'Management API';
export const DEFAULT_ACCESS_TOKEN_TTL = 3600;

/** The scopes of a realm's built-in Management API resource. */
export function managementScopesOf(realmName: string): readonly string[] {
  return realmName === 'master' ? [...REALM_MANAGEMENT_SCOPES, ...MASTER_ONLY_SCOPES] : REALM_MANAGEMENT_SCOPES;
}

/** API resources (RFC 8707 targets of access tokens) and their scopes. */
export class ResourceService {
  readonly #orm: Orm;
  readonly #issuers: Issuers;

  constructor(orm: Orm, issuers: Issuers) {
    this.#orm = orm;
    this.#issuers = issuers;
  }

  /** Adds the realm's read-only Management API resource, inside the caller's transaction. */
  addManagementResource(em: EntityManager, realm: { id: string; name: string }): void {
    const resource = em.create(ResourceEntity, {
      id: newId(),
      realmId: realm.id,
      name: MANAGEMENT_RESOURCE_NAME,
      indicator: this.#issuers.managementAudienceOf(realm.name),
      accessTokenTtl: DEFAULT_ACCESS_TOKEN_TTL,
      isManagement: true,
    });
    for (const scope of managementScopesOf(realm.name)) {
      em.create(ResourceScopeEntity, {
        id: newId(),
        realmId: realm.id,
        resourceId: resource.id,
        name: scope,
        description: MANAGEMENT_SCOPE_DESCRIPTIONS[scope as keyof typeof MANAGEMENT_SCOPE_DESCRIPTIONS],
      });
    }
  }

  /** The resource a token request targets: by indicator, or the Management API by default. */
  async findTarget(realmId: string, indicator: string | undefined): Promise<Resource | null> {
    return this.#orm.em.findOne(
      ResourceEntity,
      indicator === undefined ? { realmId, isManagement: true } : { realmId, indicator },
    );
  }

  async scopeIds(realmId: string, resourceId: string): Promise<string[]> {
    const scopes = await this.#orm.em.find(ResourceScopeEntity, { realmId, resourceId }, { fields: ['id'] });
    return scopes.map((scope) => scope.id);
  }

  /**
   * Keeps each Management API indicator equal to `${REALMKIT_ISSUER_URL}/api/v1/{realm}`, so
   * that changing the public URL does not strand the built-in resources. Runs at start.
   */
  async syncManagementIndicators(em: EntityManager): Promise<void> {
    const prefix = this.#issuers.managementAudienceOf('');
    await em.execute(
      `update resources r set indicator = ? || realms.name
         from realms
        where r.realm_id = realms.id and r.is_management and r.indicator <> ? || realms.name`,
      [prefix, prefix],
    );
  }
}
