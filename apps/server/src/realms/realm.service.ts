import type { ListQuery } from '@realmkit/contract';
import { isUuid, newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Page, paged, searchFilter } from '../db/pagination.ts';
import { deleteRow, type RowCheck, updateRow } from '../db/row-version.ts';
import { violatedConstraint } from '../db/unique-violation.ts';
import { ApiError, ConflictError, NotFoundError, ValidationError } from '../http/api-error.ts';
import type { SigningKeyService } from '../oauth/signing-keys.ts';
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
  async create(input: { name: string; displayName?: string | undefined }): Promise<Realm> {
    if (RESERVED_NAMES.has(input.name)) {
      throw new ValidationError(`The realm name "${input.name}" is reserved`, [{ path: 'name', message: 'Reserved' }]);
    }
    const keyMaterial = await this.#keys.generate();
    try {
      return await this.#orm.em.fork().transactional(async (em) => {
        const realm = em.create(RealmEntity, { id: newId(), name: input.name, displayName: input.displayName ?? null });
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

  /** `check` is the request's precondition (`If-Match`), judged under the row's lock. */
  update(ref: string, input: { displayName?: string | null | undefined }, check?: RowCheck): Promise<Realm> {
    const notFound = () => new NotFoundError(`Realm ${ref} not found`);
    return updateRow(this.#orm.em, RealmEntity, whereRef(ref), { check, notFound }, (realm) => {
      if (input.displayName !== undefined) realm.displayName = input.displayName;
    });
  }

  /** Deletes the realm and, by cascade, everything in it. */
  async delete(ref: string, check?: RowCheck): Promise<void> {
    const realm = await deleteRow(this.#orm.em, RealmEntity, whereRef(ref), {
      check,
      notFound: () => new NotFoundError(`Realm ${ref} not found`),
      guard: (row) => {
        if (row.name === MASTER_REALM) throw new ApiError(422, 'The master realm cannot be deleted');
      },
    });
    this.#keys.forget(realm.id);
  }
}
