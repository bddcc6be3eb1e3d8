import { type ListQuery, MASTER_REALM, type PasswordPolicyChange, type SigningAlgorithm } from '@realmkit/contract';
import type { ApplicationService } from '../applications/application.service.ts';
import { isUuid, newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Page, paged, searchFilter } from '../db/pagination.ts';
import { deleteRow, type RowCheck, updateRow } from '../db/row-version.ts';
import { violatedConstraint } from '../db/unique-violation.ts';
import { ApiError, ConflictError, NotFoundError, ValidationError } from '../errors/api-error.ts';
import type { SigningKey } from '../keys/signing-key.entity.ts';
import type { KeyMaterial, SigningKeyService } from '../keys/signing-key.service.ts';
import type { ResourceService } from '../resources/resource.service.ts';
import { type Realm, RealmEntity } from './realm.entity.ts';

/** Names that would collide with routes under `/api/v1/`. */
const RESERVED_NAMES = new Set(['realms']);

const realmNotFound = (ref: string) => () => new NotFoundError(`Realm ${ref} not found`);

/** The account settings a realm is created with or changed to; those left out keep their value. */
export interface RealmAccountSettings {
  requireVerifiedEmail?: boolean | undefined;
  requireDpopNonce?: boolean | undefined;
  passwordPolicy?: PasswordPolicyChange | undefined;
}

/** Writes `settings` into `realm`: only the fields given, `password_policy`'s merged into the current one. */
function applyAccountSettings(realm: Realm, settings: RealmAccountSettings): void {
  if (settings.requireVerifiedEmail !== undefined) realm.requireVerifiedEmail = settings.requireVerifiedEmail;
  if (settings.requireDpopNonce !== undefined) realm.requireDpopNonce = settings.requireDpopNonce;
  const policy = settings.passwordPolicy;
  if (policy?.min_length !== undefined) realm.passwordMinLength = policy.min_length;
  if (policy?.refuse_breached !== undefined) realm.passwordRefuseBreached = policy.refuse_breached;
}

/** A realm is addressed by its UUID or its name; names are never UUID-shaped. */
export function whereRef(ref: string) {
  return isUuid(ref) ? { id: ref } : { name: ref };
}

export class RealmService {
  readonly #orm: Orm;
  readonly #keys: SigningKeyService;
  readonly #resources: ResourceService;
  readonly #applications: ApplicationService;

  constructor(orm: Orm, keys: SigningKeyService, resources: ResourceService, applications: ApplicationService) {
    this.#orm = orm;
    this.#keys = keys;
    this.#resources = resources;
    this.#applications = applications;
  }

  list(query: ListQuery): Promise<Page<Realm>> {
    return paged(query, (window) =>
      this.#orm.em.findAndCount(RealmEntity, searchFilter(query.search, ['name', 'displayName']), {
        orderBy: { name: 'asc' },
        ...window,
      }),
    );
  }

  /** By UUID or name. A ref with U+0000 names nothing (and PostgreSQL cannot compare it). */
  async findByRef(ref: string): Promise<Realm | null> {
    if (ref.includes('\u0000')) return null;
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

  /** Creates a realm with its signing key, its built-in Management API resource and console application. */
  async create(
    input: {
      name: string;
      displayName?: string | undefined;
      signingAlgorithm?: SigningAlgorithm | undefined;
    } & RealmAccountSettings,
  ): Promise<Realm> {
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
        applyAccountSettings(realm, input);
        this.#keys.add(em, realm.id, keyMaterial);
        this.#resources.addManagementResource(em, realm);
        this.#applications.addConsoleApplication(em, realm);
        await em.flush();
        return realm;
      });
    } catch (error) {
      // The name is taken: by the realm's row, or by its console application's client_id.
      const violated = violatedConstraint(error);
      if (violated === 'realms_name_unique' || violated === 'applications_client_id_unique') {
        throw new ConflictError(`A realm named "${input.name}" already exists`, [
          { path: 'name', message: 'Already taken' },
        ]);
      }
      throw error;
    }
  }

  /**
   * Changes the display name and the account settings (a partial `password_policy` is merged into
   * the current one, under the row's lock); a different signing algorithm rotates the realm's key to
   * one of it. `check` is the request's precondition (`If-Match`), judged under the row's lock.
   */
  async update(
    ref: string,
    input: {
      displayName?: string | null | undefined;
      signingAlgorithm?: SigningAlgorithm | undefined;
    } & RealmAccountSettings,
    check?: RowCheck,
  ): Promise<Realm> {
    const { signingAlgorithm } = input;
    const change = (realm: Realm) => {
      if (input.displayName !== undefined) realm.displayName = input.displayName;
      applyAccountSettings(realm, input);
    };
    if (signingAlgorithm !== undefined && signingAlgorithm !== (await this.get(ref)).signingAlgorithm) {
      // Generated before the lock: an RSA key takes a while, and PGlite runs one transaction at a time.
      return this.#rotateKey(ref, await this.#keys.generate(signingAlgorithm), check, change);
    }
    return updateRow(this.#orm.em, RealmEntity, whereRef(ref), { check, notFound: realmNotFound(ref) }, change);
  }

  /**
   * A new active signing key (default: of the realm's algorithm, which becomes `algorithm`). A
   * rotation changes the realm (its `updated_at`, so its version and `ETag`): `check` compares
   * `If-Match` with the realm's tag, and two operators rotating from the same state cannot both.
   */
  async rotateKeys(
    ref: string,
    algorithm?: SigningAlgorithm,
    check?: RowCheck,
  ): Promise<{ realm: Realm; keys: SigningKey[] }> {
    const material = await this.#keys.generate(algorithm ?? (await this.get(ref)).signingAlgorithm);
    const realm = await this.#rotateKey(ref, material, check);
    return { realm, keys: await this.#keys.list(realm.id) };
  }

  /** The realm's published signing keys: the active one, then those retiring. */
  async listKeys(ref: string): Promise<SigningKey[]> {
    return this.#keys.list((await this.get(ref)).id);
  }

  /**
   * Rotates to `material` in one transaction with the realm locked (rotations of a realm run one
   * at a time), `check` passed and `change` applied; then this process forgets its cached keys at
   * once, and the others within seconds (SigningKeyService).
   */
  async #rotateKey(
    ref: string,
    material: KeyMaterial,
    check: RowCheck | undefined,
    change?: (realm: Realm) => void,
  ): Promise<Realm> {
    const realm = await updateRow(
      this.#orm.em.fork(),
      RealmEntity,
      whereRef(ref),
      { check, notFound: realmNotFound(ref) },
      async (realm, em) => {
        change?.(realm);
        realm.signingAlgorithm = material.algorithm;
        // The keys are part of the realm: the row changes (and its version moves) even when nothing else does.
        realm.updatedAt = new Date();
        await this.#keys.rotate(em, realm.id, material);
      },
    );
    this.#keys.forget(realm.id);
    return realm;
  }

  /**
   * Deletes the realm and, by cascade, everything in it. Its user count shards go first, before
   * the realm's row is locked: a user create in flight holds its shard from its insert to its
   * commit, where its deferred foreign key then takes a key-share lock on the realm's row. Locking
   * the row first and cascading to the shard second would wait on that create as it waits on us:
   * a deadlock (40P01), which PostgreSQL breaks by failing one of the two with a 500. In this
   * order the delete waits for the create's commit; a create after it fails its foreign key (404).
   */
  async delete(ref: string, check?: RowCheck): Promise<void> {
    const realm = await this.#orm.em.transactional(async (tx) => {
      const where = isUuid(ref) ? 'id = ?' : 'name = ?';
      await tx.execute(`delete from realm_user_counts where realm_id = (select id from realms where ${where})`, [ref]);
      return deleteRow(tx, RealmEntity, whereRef(ref), {
        check,
        notFound: realmNotFound(ref),
        guard: (row) => {
          if (row.name === MASTER_REALM) throw new ApiError(422, 'The master realm cannot be deleted');
        },
      });
    });
    this.#keys.forget(realm.id);
  }
}
