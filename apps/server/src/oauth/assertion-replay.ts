import { createHash } from 'node:crypto';
import type { Orm } from '../db/orm.ts';
import { runStatement } from '../db/statement.ts';

/**
 * Where the `jti`s of used client assertions are kept, so that none is accepted twice within its
 * lifetime (RFC 7523 §3 item 7): the database, which every instance shares.
 */
export interface AssertionReplayStore {
  /**
   * Records `jti` of `clientId` until `expiresAt`; `false` when it is recorded already and not yet
   * expired (a replay). Atomic: of two requests with one `jti`, on any instances, one gets `true`.
   */
  firstUse(realmId: string, clientId: string, jti: string, expiresAt: Date, now: Date): Promise<boolean>;
}

/**
 * The store in `client_assertion_jtis`. The key is a hash of client id and `jti`, of fixed length
 * whatever the client sends; a row whose `expires_at` has passed may be taken again (retention
 * deletes such rows in batches).
 */
export class DatabaseReplayStore implements AssertionReplayStore {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  async firstUse(realmId: string, clientId: string, jti: string, expiresAt: Date, now: Date): Promise<boolean> {
    const keyHash = createHash('sha256').update(clientId).update('\u0000').update(jti).digest('base64url');
    // runStatement: every private_key_jwt token request runs this (docs/performance.md, figure 10).
    const rows = await runStatement<{ key_hash: string }>(
      this.#orm,
      `insert into client_assertion_jtis (realm_id, key_hash, expires_at) values (?, ?, ?)
       on conflict (realm_id, key_hash) do update set expires_at = excluded.expires_at
         where client_assertion_jtis.expires_at <= ?
       returning key_hash`,
      [realmId, keyHash, expiresAt, now],
    );
    return rows.length === 1;
  }
}
