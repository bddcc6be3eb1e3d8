import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ListQuery, SigningAlgorithm } from '@realmkit/contract';
import { isUuid, newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Page, paged, searchFilter } from '../db/pagination.ts';
import { violatedConstraint } from '../db/unique-violation.ts';
import { ApiError, ConflictError, NotFoundError, ValidationError } from '../http/api-error.ts';
import type { SigningKey } from '../oauth/signing-key.entity.ts';
import type { KeyMaterial, SigningKeyService } from '../oauth/signing-keys.ts';
import type { ResourceService } from '../resources/resource.service.ts';
import { type Realm, RealmEntity } from './realm.entity.ts';

export const MASTER_REALM = 'master';
/** Names that would collide with routes under `/api/v1/`. */
const RESERVED_NAMES = new Set(['realms']);

/** A realm is addressed by its UUID or its name; names are never UUID-shaped. */
export function whereRef(ref: string) {
  return isUuid(ref) ? { id: ref } : { name: ref };
}

export class RealmService {
  readonly #orm: Orm;
  readonly #keys: SigningKeyService;
  readonly #resources: ResourceService;

  constructor(orm: Orm, keys: SigningKeyService, resources: ResourceService) {
    this.#orm = orm;
    this.#keys = keys;
    this.#resources = resources;
  }

  list(query: ListQuery): Promise<Page<Realm>> {
    return paged(query, (window) =>
      this.#orm.em.findAndCount(RealmEntity, searchFilter(query.search, ['name', 'displayName']), {
        orderBy: { name: 'asc' },
        ...window,
      }),
    );
  }

  /** By UUID or name. */
  async findByRef(ref: string): Promise<Realm | null> {
    return this.#orm.em.fork().findOne(RealmEntity, whereRef(ref));
  }

  async findByName(name: string): Promise<Realm | null> {
    return this.#orm.em.fork().findOne(RealmEntity, { name });
  }

  async get(ref: string): Promise<Realm> {
    const realm = await this.findByRef(ref);
    if (!realm) throw new NotFoundError(`Realm ${ref} not found`);
    return realm;
  }

  /** Creates a realm with its signing key and its built-in Management API resource. */
  async create(input: {
    name: string;
    displayName?: string | undefined;
    signingAlgorithm?: SigningAlgorithm | undefined;
  }): Promise<Realm> {
    if (RESERVED_NAMES.has(input.name)) {
      throw new ValidationError(`The realm name "${input.name}" is reserved`, [{ path: 'name', message: 'Reserved' }]);
    }
    const keyMaterial = await this.#keys.generate(input.signingAlgorithm);
    try {
      return await this.#orm.em.fork().transactional(async (em) => {
        const realm = em.create(RealmEntity, {
          id: newId(),
          name: input.name,
          displayName: input.displayName ?? null,
          signingAlgorithm: keyMaterial.algorithm,
        });
        this.#keys.add(em, realm.id, keyMaterial);
        this.#resources.addManagementResource(em, realm);
        await em.flush();
        return realm;
      });
    } catch (error) {
      if (violatedConstraint(error) === 'realms_name_unique') {
        throw new ConflictError(`A realm named "${input.name}" already exists`, [
          { path: 'name', message: 'Already taken' },
        ]);
      }
      throw error;
    }
  }

  /** Changes the display name; a different signing algorithm rotates the realm's key to one of it. */
  async update(
    ref: string,
    input: { displayName?: string | null | undefined; signingAlgorithm?: SigningAlgorithm | undefined },
  ): Promise<Realm> {
    const realm = await this.#orm.em.findOne(RealmEntity, whereRef(ref));
    if (!realm) throw new NotFoundError(`Realm ${ref} not found`);
    const { signingAlgorithm } = input;
    if (signingAlgorithm !== undefined && signingAlgorithm !== realm.signingAlgorithm) {
      return this.#rotateKey(realm.id, await this.#keys.generate(signingAlgorithm), (locked) => {
        if (input.displayName !== undefined) locked.displayName = input.displayName;
      });
    }
    if (input.displayName !== undefined) realm.displayName = input.displayName;
    await this.#orm.em.flush();
    return realm;
  }

  /** A new active signing key (default: of the realm's algorithm, which becomes `algorithm`). */
  async rotateKeys(ref: string, algorithm?: SigningAlgorithm): Promise<SigningKey[]> {
    const material = await this.#keys.generate(algorithm ?? (await this.get(ref)).signingAlgorithm);
    const realm = await this.#rotateKey(ref, material);
    return this.#keys.list(realm.id);
  }

  /** The realm's published signing keys: the active one, then those retiring. */
  async listKeys(ref: string): Promise<SigningKey[]> {
    return this.#keys.list((await this.get(ref)).id);
  }

  /**
   * Rotates to `material` in one transaction with the realm locked (rotations of a realm run one
   * at a time) and `change` applied; then this process forgets its cached keys at once, and the
   * others within seconds (SigningKeyService).
   */
  async #rotateKey(ref: string, material: KeyMaterial, change?: (realm: Realm) => void): Promise<Realm> {
    const realm = await this.#orm.em.fork().transactional(async (em: EntityManager) => {
      const realm = await em.findOne(RealmEntity, whereRef(ref), { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!realm) throw new NotFoundError(`Realm ${ref} not found`);
      change?.(realm);
      realm.signingAlgorithm = material.algorithm;
      await this.#keys.rotate(em, realm.id, material);
      await em.flush();
      return realm;
    });
    this.#keys.forget(realm.id);
    return realm;
  }

  /** Deletes the realm and, by cascade, everything in it. */
  async delete(ref: string): Promise<void> {
    const realm = await this.get(ref);
    if (realm.name === MASTER_REALM) throw new ApiError(422, 'The master realm cannot be deleted');
    await this.#orm.em.nativeDelete(RealmEntity, { id: realm.id });
    this.#keys.forget(realm.id);
  }
}
