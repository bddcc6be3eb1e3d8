import { createHash } from 'node:crypto';
import type { Orm } from '../db/orm.ts';
import { runStatement } from '../db/statement.ts';

/**
 * Where the `jti`s of used one-time JWTs are kept, so that none is accepted twice within its
 * lifetime: client assertions (RFC 7523 §3 item 7) and DPoP proofs (RFC 9449 §11.1). The
 * database, which every instance shares.
 */
export interface AssertionReplayStore {
  /**
   * Records `jti` of `issuer` (a client id, or a DPoP key's thumbprint) until `expiresAt`; `false`
   * when it is recorded already and not yet expired (a replay). Atomic: of two requests with one
   * `jti`, on any instances, one gets `true`.
   */
  firstUse(realmId: string, issuer: string, jti: string, expiresAt: Date, now: Date): Promise<boolean>;
}

/** The tables of used `jti`s, one per kind of JWT, each pruned past `expires_at`. */
export type ReplayTable = 'client_assertion_jtis' | 'dpop_proof_jtis';

/**
 * The store in `table`. The key is a hash of issuer and `jti`, of fixed length whatever the client
 * sends; a row whose `expires_at` has passed may be taken again (retention deletes such rows in
 * batches).
 */
export class DatabaseReplayStore implements AssertionReplayStore {
  readonly #orm: Orm;
  readonly #sql: string;

  constructor(orm: Orm, table: ReplayTable = 'client_assertion_jtis') {
    this.#orm = orm;
    this.#sql = `insert into ${table} (realm_id, key_hash, expires_at) values (?, ?, ?)
       on conflict (realm_id, key_hash) do update set expires_at = excluded.expires_at
         where ${table}.expires_at <= ?
       returning key_hash`;
  }

  async firstUse(realmId: string, issuer: string, jti: string, expiresAt: Date, now: Date): Promise<boolean> {
    const keyHash = createHash('sha256').update(issuer).update('\u0000').update(jti).digest('base64url');
    // runStatement: every private_key_jwt and DPoP request runs this (docs/performance.md, figure 10).
    const rows = await runStatement<{ key_hash: string }>(this.#orm, this.#sql, [realmId, keyHash, expiresAt, now]);
    return rows.length === 1;
  }
}
