import { randomUUID } from 'node:crypto';
import { IDEMPOTENCY_KEY_LEASE_SECONDS, IDEMPOTENCY_KEY_TTL_HOURS } from '@realmkit/contract';
import type { SealedBox } from '../crypto/sealed-box.ts';
import type { KeyOf } from '../crypto/secret-key.ts';
import type { Orm } from '../db/orm.ts';
import { textArray } from '../db/sql-array.ts';
import { requestFingerprint } from './request-fingerprint.ts';

/** Whose key it is: keys are unique per client, never across clients. */
export interface IdempotencyScope {
  /** The realm of the calling client (not the realm the request addresses). */
  readonly realmId: string;
  readonly clientId: string;
  readonly key: string;
}

/** A response kept to be answered again. */
export interface KeptResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What a request holding an idempotency key may do. */
export type Claim =
  /** First use (or the key expired, or its holder died): run the request, then {@link IdempotencyStore.complete}. */
  | { readonly kind: 'claimed'; readonly owner: string }
  /** The same request ran already: answer its response again. */
  | { readonly kind: 'replay'; readonly response: KeptResponse }
  /** The same request is running now. */
  | { readonly kind: 'in_progress' }
  /** The key was used for another request. */
  | { readonly kind: 'mismatch' }
  /**
   * The key's request was fingerprinted with a secret key no longer configured: whether this is the
   * same request cannot be told, and it must not run twice.
   */
  | { readonly kind: 'unverifiable' };

/**
 * A request's fingerprint under each key of the ring: the current one is stored, any other matches
 * a key fingerprinted before `REALMKIT_SECRET_KEY` changed.
 */
export interface RequestFingerprints {
  readonly current: { readonly keyId: string; readonly value: string };
  readonly all: readonly string[];
}

export interface IdempotencyOptions {
  /** How long a key and its response are kept. */
  ttlSeconds: number;
  /** How long a running request holds its key without renewing it (a crashed instance's key frees itself then). */
  leaseSeconds: number;
}

export const DEFAULT_IDEMPOTENCY_OPTIONS: IdempotencyOptions = {
  ttlSeconds: IDEMPOTENCY_KEY_TTL_HOURS * 60 * 60,
  leaseSeconds: IDEMPOTENCY_KEY_LEASE_SECONDS,
};

/** What seals kept responses and keys fingerprints: the secret keyring's (SecretKeyring). */
export interface IdempotencyKeys {
  responses: SealedBox;
  /** Every key of the ring, the current one first. */
  fingerprintKeys: readonly KeyOf<Buffer>[];
}

interface KeyRow {
  fingerprint: string;
  fingerprint_key_id: string | null;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
}

const WHERE_KEY = 'realm_id = ? and client_id = ? and key = ?';

/**
 * Idempotency keys in the database (table `idempotency_keys`), so that every instance sees the
 * same keys. Claims are atomic (`insert ... on conflict`): of concurrent requests with one key,
 * exactly one runs. Responses are kept sealed (AES-GCM), since a create's can hold a client
 * secret shown once. Expired keys are deleted by the pruner (retention/pruner.ts), and replaced
 * when used again meanwhile.
 */
export class IdempotencyStore {
  readonly #orm: Orm;
  readonly #keys: IdempotencyKeys;
  readonly #options: IdempotencyOptions;

  constructor(orm: Orm, keys: IdempotencyKeys, options: IdempotencyOptions = DEFAULT_IDEMPOTENCY_OPTIONS) {
    this.#orm = orm;
    this.#keys = keys;
    this.#options = options;
  }

  /** How often a running request renews its lease. */
  get renewIntervalMs(): number {
    return (this.#options.leaseSeconds * 1000) / 3;
  }

  /** The request's fingerprint under the current key: what a claim stores. */
  fingerprint(method: string, path: string, body: unknown): string {
    return this.fingerprints(method, path, body).current.value;
  }

  /** The request's fingerprint under every key of the ring (one HMAC each: usually one key). */
  fingerprints(method: string, path: string, body: unknown): RequestFingerprints {
    const all = this.#keys.fingerprintKeys.map(({ id, key }) => ({
      keyId: id,
      value: requestFingerprint(key, method, path, body),
    }));
    return { current: all[0] as RequestFingerprints['current'], all: all.map((fingerprint) => fingerprint.value) };
  }

  /**
   * Takes the key for this request, or says why not. A key whose time is up, or whose holder
   * stopped renewing it (its instance died mid-request) for this same request, is taken over: so a
   * request whose instance died after its transaction committed, but before {@link complete}, runs
   * again once its lease has lapsed (docs/operations.md, "Idempotency keys").
   */
  async claim(scope: IdempotencyScope, fingerprints: RequestFingerprints): Promise<Claim> {
    const { ttlSeconds, leaseSeconds } = this.#options;
    // A row can vanish between the insert and the read (its request failed and released it): try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const owner = randomUUID();
      const claimed = await this.#execute<{ owner: string }>(
        `insert into idempotency_keys as k
           (realm_id, client_id, key, fingerprint, fingerprint_key_id, owner, locked_until, created_at, expires_at)
         values (?, ?, ?, ?, ?, ?, now() + interval '${leaseSeconds} seconds', now(), now() + interval '${ttlSeconds} seconds')
         on conflict (realm_id, client_id, key) do update
           set fingerprint = excluded.fingerprint, fingerprint_key_id = excluded.fingerprint_key_id,
               owner = excluded.owner, locked_until = excluded.locked_until,
               response_status = null, response_headers = null, response_body = null,
               created_at = excluded.created_at, expires_at = excluded.expires_at
         where k.expires_at <= now()
            or (k.response_status is null and k.locked_until <= now() and k.fingerprint = any(?::text[]))
         returning owner`,
        [
          scope.realmId,
          scope.clientId,
          scope.key,
          fingerprints.current.value,
          fingerprints.current.keyId,
          owner,
          textArray(fingerprints.all),
        ],
      );
      if (claimed.length > 0) return { kind: 'claimed', owner };
      const [row] = await this.#execute<KeyRow>(
        `select fingerprint, fingerprint_key_id, response_status, response_headers, response_body
           from idempotency_keys where ${WHERE_KEY}`,
        [scope.realmId, scope.clientId, scope.key],
      );
      if (!row) continue;
      if (!fingerprints.all.includes(row.fingerprint)) {
        const known = this.#keys.fingerprintKeys.some(({ id }) => id === row.fingerprint_key_id);
        return { kind: row.fingerprint_key_id === null || known ? 'mismatch' : 'unverifiable' };
      }
      if (row.response_status === null) return { kind: 'in_progress' };
      return {
        kind: 'replay',
        response: {
          status: row.response_status,
          headers: row.response_headers ?? {},
          body: this.#keys.responses.open(row.response_body ?? ''),
        },
      };
    }
    return { kind: 'in_progress' };
  }

  /**
   * Keeps the response of the request that holds the key, for its retries. `false` when it no
   * longer holds it: its lease lapsed (the instance stalled past it) and a retry took the key over.
   */
  async complete(scope: IdempotencyScope, owner: string, response: KeptResponse): Promise<boolean> {
    const kept = await this.#execute<{ key: string }>(
      `update idempotency_keys
          set response_status = ?, response_headers = ?::jsonb, response_body = ?, owner = null, locked_until = null
        where ${WHERE_KEY} and owner = ?
        returning key`,
      [
        response.status,
        JSON.stringify(response.headers),
        this.#keys.responses.seal(response.body),
        scope.realmId,
        scope.clientId,
        scope.key,
        owner,
      ],
    );
    return kept.length > 0;
  }

  /** Gives the key up, unused: the request may be sent again with it (it was refused, or failed on our side). */
  async release(scope: IdempotencyScope, owner: string): Promise<void> {
    await this.#execute(`delete from idempotency_keys where ${WHERE_KEY} and owner = ?`, [
      scope.realmId,
      scope.clientId,
      scope.key,
      owner,
    ]);
  }

  /** Extends the lease of a request still running. */
  async renew(scope: IdempotencyScope, owner: string): Promise<void> {
    await this.#execute(
      `update idempotency_keys set locked_until = now() + interval '${this.#options.leaseSeconds} seconds'
        where ${WHERE_KEY} and owner = ? and response_status is null`,
      [scope.realmId, scope.clientId, scope.key, owner],
    );
  }

  #execute<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.#orm.em.fork().execute<T[]>(sql, params);
  }
}
