import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_SIGNING_ALGORITHM, type SigningAlgorithm } from '@realmkit/contract';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, type JWK, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../clock/clock.ts';
import type { SealedBox } from '../crypto/sealed-box.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { signJwt } from './sign-jwt.ts';
import { type SigningKey, SigningKeyEntity } from './signing-key.entity.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

export { DEFAULT_SIGNING_ALGORITHM };

/** A freshly generated key pair, ready to be stored with a realm. */
export interface KeyMaterial {
  kid: string;
  algorithm: SigningAlgorithm;
  publicJwk: PublicJwk;
  privateKeyPem: string;
}

/** A public key as published in the JWKS. */
export type PublicJwk = JWK & { kty: string; kid: string; alg: string; use: 'sig' };

export interface ActiveKey {
  readonly id: string;
  readonly kid: string;
  readonly algorithm: SigningAlgorithm;
  readonly privateKey: KeyObject;
  /** The longest token lifetime known to be recorded for this key (raised by {@link SigningKeyService.recordTokenTtl}). */
  recordedTtl: number;
}

/** What a realm publishes at one moment: the active key and the retiring keys not yet expired. */
interface Published {
  jwks: { keys: PublicJwk[] };
  keySet: JWTVerifyGetKey;
  algorithms: SigningAlgorithm[];
  /** When the next retiring key expires, and this has to be worked out again. */
  validUntil: number;
}

interface RealmKeys {
  /** The key version this was loaded under: stale as soon as the database's moves on. */
  version: string;
  loadedAt: number;
  rows: SigningKey[];
  active: ActiveKey | undefined;
  published?: Published;
}

/** How often an instance asks the database whether a rotation happened (one indexed row read). */
export const KEY_VERSION_CHECK_MS = 2_000;
/**
 * How long after a rotation another instance may still sign with the old key: the version check
 * interval plus time for a request that read the key just before to finish signing.
 */
export const ROTATION_PROPAGATION_S = 5;
/** Added to a retiring key's life: clocks of resource servers that run a little behind. */
export const RETIREMENT_LEEWAY_S = 60;
/** A ceiling on any cached copy, whatever the version says. */
const CACHE_MAX_AGE_MS = 300_000;

const VERSION_SETTING = 'signing_keys_version';

async function generateKeyPairOf(algorithm: SigningAlgorithm) {
  switch (algorithm) {
    case 'RS256':
      return generateKeyPairAsync('rsa', { modulusLength: 2048 });
    case 'ES256':
      return generateKeyPairAsync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPairAsync('ed25519');
  }
}

/**
 * Per-realm signing keys: generated with the realm and at each rotation, private parts sealed
 * at rest with a key derived from REALMKIT_SECRET_KEY, served as a JWKS.
 *
 * Each process caches a realm's keys and, at most every {@link KEY_VERSION_CHECK_MS}, reads one
 * version number that every rotation bumps in its transaction; when it moved, the cache is
 * dropped. A retiring key stays published until the last token it signed can have expired,
 * worked out from the clock, so it leaves the JWKS on time without a background job.
 */
export class SigningKeyService {
  readonly #orm: Orm;
  /** Seals private keys at rest (SecretKeyring.signingKeys). */
  readonly #sealed: SealedBox;
  readonly #clock: Clock;
  readonly #cache = new Map<string, Promise<RealmKeys>>();
  #version: string | undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #checking: Promise<void> | undefined;

  constructor(orm: Orm, sealed: SealedBox, clock: Clock) {
    this.#orm = orm;
    this.#sealed = sealed;
    this.#clock = clock;
  }

  /** Generates a key pair off the event loop (before any transaction opens). */
  async generate(algorithm: SigningAlgorithm = DEFAULT_SIGNING_ALGORITHM): Promise<KeyMaterial> {
    const { publicKey, privateKey } = await generateKeyPairOf(algorithm);
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return {
      kid,
      algorithm,
      publicJwk: { ...jwk, kty: jwk.kty ?? 'RSA', kid, alg: algorithm, use: 'sig' },
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }

  /** Stores `material` as the realm's active key, inside the caller's transaction. */
  add(em: EntityManager, realmId: string, material: KeyMaterial): void {
    em.create(SigningKeyEntity, {
      id: newId(),
      realmId,
      kid: material.kid,
      algorithm: material.algorithm,
      status: 'active',
      publicJwk: material.publicJwk as Record<string, unknown>,
      privateKeySealed: this.#sealed.seal(material.privateKeyPem),
      maxTokenTtl: 0,
      expiresAt: null,
    });
  }

  /**
   * Makes `material` the realm's active key inside the caller's transaction; the caller flushes,
   * commits, then calls {@link forget}. The previous key retires: it stays published for the
   * longest lifetime of a token it signed, counted from the moment every instance has stopped
   * signing with it, plus a leeway. Keys whose retirement is over are deleted.
   */
  async rotate(em: EntityManager, realmId: string, material: KeyMaterial): Promise<void> {
    // In the transaction: instances see the new version only once the new key is committed.
    await em.execute(`update system_settings set value = (value::bigint + 1)::text where key = ?`, [VERSION_SETTING]);
    const now = this.#clock();
    // Locked, so that a token lifetime recorded concurrently (recordTokenTtl) is seen here or
    // lengthens the retirement worked out here.
    const active = await em.findOne(
      SigningKeyEntity,
      { realmId, status: 'active' },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (active) {
      active.status = 'retiring';
      active.expiresAt = new Date(now + (active.maxTokenTtl + ROTATION_PROPAGATION_S + RETIREMENT_LEEWAY_S) * 1000);
      await em.flush(); // before the new active key: one active key per realm is a unique index
    }
    await em.nativeDelete(SigningKeyEntity, { realmId, status: 'retiring', expiresAt: { $lte: new Date(now) } });
    this.add(em, realmId, material);
  }

  /** The realm's keys as the database has them now (not the cache): active first, then retiring, newest first. */
  async list(realmId: string): Promise<SigningKey[]> {
    const rows = await this.#orm.em.fork().find(SigningKeyEntity, { realmId }, { orderBy: { createdAt: 'desc' } });
    return this.#publishedRows(rows, this.#clock());
  }

  async activeKey(realmId: string): Promise<ActiveKey> {
    const keys = await this.#keys(realmId);
    if (!keys.active) throw new Error(`realm ${realmId} has no active signing key`);
    return keys.active;
  }

  /**
   * Records, before a token of `ttlSeconds` signed by `key` is handed out, that the key must stay
   * published that long. Writes only when the lifetime is longer than any recorded before (a few
   * times per key), and lengthens the retirement if another instance rotated the key meanwhile.
   */
  async recordTokenTtl(key: ActiveKey, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= key.recordedTtl) return;
    const retiresNoEarlierThan = new Date(this.#clock() + (ttlSeconds + RETIREMENT_LEEWAY_S) * 1000);
    await this.#orm.em.getConnection().execute(
      `update signing_keys set max_token_ttl = greatest(max_token_ttl, ?),
           expires_at = case when expires_at is null then null else greatest(expires_at, ?) end
         where id = ?`,
      [ttlSeconds, retiresNoEarlierThan, key.id],
      'run',
    );
    key.recordedTtl = Math.max(key.recordedTtl, ttlSeconds);
  }

  /**
   * A JWT (RFC 7515 compact JWS) of `claims`, signed by the realm's active key, `typ` in its
   * header. Before the token exists, the key is recorded as needed for `ttlSeconds`: it stays
   * published as long as the token can live. The private key never leaves this service.
   *
   * @example
   * const jwt = await keys.sign(realm.id, 'at+jwt', { iss, sub, aud, iat, exp }, 3600);
   */
  async sign(realmId: string, typ: string, claims: object, ttlSeconds: number): Promise<string> {
    const key = await this.activeKey(realmId);
    await this.recordTokenTtl(key, ttlSeconds);
    return signJwt({ alg: key.algorithm, typ, kid: key.kid }, claims, key.privateKey);
  }

  async jwks(realmId: string): Promise<{ keys: PublicJwk[] }> {
    return this.#published(await this.#keys(realmId)).jwks;
  }

  /** A jose key resolver over the realm's published keys, and the algorithms they use (active key's first). */
  async verificationKeys(realmId: string): Promise<{ keySet: JWTVerifyGetKey; algorithms: SigningAlgorithm[] }> {
    const { keySet, algorithms } = this.#published(await this.#keys(realmId));
    return { keySet, algorithms };
  }

  /** Drops the cached keys of a realm (deleted, or keys changed by this process). */
  forget(realmId: string): void {
    this.#cache.delete(realmId);
  }

  async #keys(realmId: string): Promise<RealmKeys> {
    await this.#checkVersion();
    const cached = this.#cache.get(realmId);
    if (cached) {
      const keys = await cached;
      if (keys.version === this.#version && performance.now() - keys.loadedAt < CACHE_MAX_AGE_MS) return keys;
    }
    return this.#reload(realmId);
  }

  /** At most every KEY_VERSION_CHECK_MS, one read of the version; concurrent callers share it. */
  async #checkVersion(): Promise<void> {
    if (performance.now() - this.#checkedAt < KEY_VERSION_CHECK_MS) return;
    this.#checking ??= (async () => {
      try {
        const startedAt = performance.now();
        const [row] = await this.#orm.em
          .getConnection()
          .execute<{ value: string }[]>('select value from system_settings where key = ?', [VERSION_SETTING]);
        const version = row?.value ?? '0';
        if (version !== this.#version) {
          this.#version = version;
          this.#cache.clear();
        }
        this.#checkedAt = startedAt;
      } finally {
        this.#checking = undefined;
      }
    })();
    await this.#checking;
  }

  #reload(realmId: string): Promise<RealmKeys> {
    const loading = this.#load(realmId, this.#version ?? '0');
    this.#cache.set(realmId, loading);
    loading.catch(() => {
      if (this.#cache.get(realmId) === loading) this.#cache.delete(realmId);
    });
    return loading;
  }

  async #load(realmId: string, version: string): Promise<RealmKeys> {
    const loadedAt = performance.now();
    const rows = await this.#orm.em.fork().find(SigningKeyEntity, { realmId }, { orderBy: { createdAt: 'desc' } });
    const activeRow = rows.find((row) => row.status === 'active');
    const active = activeRow && {
      id: activeRow.id,
      kid: activeRow.kid,
      algorithm: activeRow.algorithm,
      privateKey: createPrivateKey(this.#sealed.open(activeRow.privateKeySealed)),
      recordedTtl: activeRow.maxTokenTtl,
    };
    return { version, loadedAt, rows, active };
  }

  /** The published keys at the clock's time, worked out again only when a retiring key expires. */
  #published(keys: RealmKeys): Published {
    const now = this.#clock();
    if (keys.published && now < keys.published.validUntil) return keys.published;
    const rows = this.#publishedRows(keys.rows, now);
    const jwks = { keys: rows.map((row) => row.publicJwk as PublicJwk) };
    const expiries = rows.flatMap((row) => (row.expiresAt ? [row.expiresAt.getTime()] : []));
    keys.published = {
      jwks,
      keySet: createLocalJWKSet(jwks),
      algorithms: [...new Set(rows.map((row) => row.algorithm))],
      validUntil: Math.min(Number.POSITIVE_INFINITY, ...expiries),
    };
    return keys.published;
  }

  /** The active key first, then the retiring keys still within their retirement, newest first. */
  #publishedRows(rows: readonly SigningKey[], now: number): SigningKey[] {
    const live = rows.filter((row) => row.status === 'active' || (row.expiresAt && row.expiresAt.getTime() > now));
    return [...live.filter((row) => row.status === 'active'), ...live.filter((row) => row.status !== 'active')];
  }
}
