import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, type JWK, type JWTVerifyGetKey } from 'jose';
import { open, seal } from '../crypto/sealed-box.ts';
import type { SecretKey } from '../crypto/secret-key.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { SigningKeyEntity } from './signing-key.entity.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

export const DEFAULT_ALGORITHM = 'RS256';

/** A freshly generated key pair, ready to be stored with a realm. */
export interface KeyMaterial {
  kid: string;
  algorithm: string;
  publicJwk: PublicJwk;
  privateKeyPem: string;
}

/** A public key as published in the JWKS. */
export type PublicJwk = JWK & { kty: string; kid: string; alg: string; use: 'sig' };

export interface ActiveKey {
  kid: string;
  algorithm: string;
  privateKey: KeyObject;
}

interface RealmKeys {
  active: ActiveKey | undefined;
  jwks: { keys: PublicJwk[] };
  keySet: JWTVerifyGetKey;
  algorithms: string[];
  loadedAt: number;
}

/** How long a process trusts its copy of a realm's keys before reading them again. */
const CACHE_TTL_MS = 30_000;

/**
 * Per-realm signing keys: generated with the realm, private parts sealed at rest with a key
 * derived from REALMKIT_SECRET_KEY, served as a JWKS, cached per process.
 */
export class SigningKeyService {
  readonly #orm: Orm;
  readonly #secretKey: SecretKey;
  readonly #cache = new Map<string, Promise<RealmKeys>>();

  constructor(orm: Orm, secretKey: SecretKey) {
    this.#orm = orm;
    this.#secretKey = secretKey;
  }

  /** Generates an RSA-2048 key pair off the event loop (before any transaction opens). */
  async generate(): Promise<KeyMaterial> {
    const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return {
      kid,
      algorithm: DEFAULT_ALGORITHM,
      publicJwk: { ...jwk, kty: jwk.kty ?? 'RSA', kid, alg: DEFAULT_ALGORITHM, use: 'sig' },
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
      privateKeySealed: seal(material.privateKeyPem, this.#secretKey.encryptionKey),
      expiresAt: null,
    });
  }

  async activeKey(realmId: string): Promise<ActiveKey> {
    const keys = await this.#keys(realmId);
    if (!keys.active) throw new Error(`realm ${realmId} has no active signing key`);
    return keys.active;
  }

  async jwks(realmId: string): Promise<{ keys: PublicJwk[] }> {
    return (await this.#keys(realmId)).jwks;
  }

  /** A jose key resolver over the realm's published keys, and the algorithms they use. */
  async verificationKeys(realmId: string): Promise<{ keySet: JWTVerifyGetKey; algorithms: string[] }> {
    const { keySet, algorithms } = await this.#keys(realmId);
    return { keySet, algorithms };
  }

  /** Drops the cached keys of a realm (deleted, or keys changed). */
  forget(realmId: string): void {
    this.#cache.delete(realmId);
  }

  #keys(realmId: string): Promise<RealmKeys> {
    const cached = this.#cache.get(realmId);
    if (cached) {
      return cached.then((keys) => (Date.now() - keys.loadedAt < CACHE_TTL_MS ? keys : this.#reload(realmId)));
    }
    return this.#reload(realmId);
  }

  #reload(realmId: string): Promise<RealmKeys> {
    const loading = this.#load(realmId);
    this.#cache.set(realmId, loading);
    loading.catch(() => this.#cache.delete(realmId));
    return loading;
  }

  async #load(realmId: string): Promise<RealmKeys> {
    const now = new Date();
    const rows = await this.#orm.em
      .fork()
      .find(
        SigningKeyEntity,
        { realmId, $or: [{ status: 'active' }, { expiresAt: { $gt: now } }] },
        { orderBy: { createdAt: 'desc' } },
      );
    const activeRow = rows.find((row) => row.status === 'active');
    const active = activeRow && {
      kid: activeRow.kid,
      algorithm: activeRow.algorithm,
      privateKey: createPrivateKey(open(activeRow.privateKeySealed, this.#secretKey.encryptionKey)),
    };
    const jwks = { keys: rows.map((row) => row.publicJwk as PublicJwk) };
    return {
      active,
      jwks,
      keySet: createLocalJWKSet(jwks),
      algorithms: [...new Set(rows.map((row) => row.algorithm))],
      loadedAt: Date.now(),
    };
  }
}
