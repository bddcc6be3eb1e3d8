import { AUTHORIZATION_CODE_TTL_SECONDS } from '@realmkit/contract';
import type { Clock } from '../clock/clock.ts';
import { digestOf, newSecret } from '../crypto/random-secret.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { firstRow, runStatement } from '../db/statement.ts';

/** The session a code was being issued in ended during the request (SessionService.end, endAllOfUser). */
export class SessionEndedError extends Error {
  override name = 'SessionEndedError';
  constructor() {
    super('The session ended while a code was being issued in it');
  }
}

/** What a code is issued for: the authorization request it answers, for a signed-in user. */
export interface CodeGrant {
  realmId: string;
  applicationId: string;
  userId: string;
  sessionId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  resource: string | null;
  nonce: string | null;
  authTime: Date;
}

/** A code as its exchange reads it: its id (which names what the exchange issues) and its grant. */
export interface RedeemedCode extends CodeGrant {
  id: string;
  /** When it was first exchanged (for a reused code). */
  consumedAt: Date | null;
}

/** What redeeming a code found: a code to exchange, one already exchanged (to revoke what it gave), or nothing. */
export type Redemption =
  | { status: 'redeemed'; code: RedeemedCode }
  | { status: 'reused'; code: RedeemedCode }
  | { status: 'invalid' };

interface CodeRow {
  id: string;
  realm_id: string;
  application_id: string;
  user_id: string;
  session_id: string;
  redirect_uri: string;
  code_challenge: string;
  scope: string;
  resource: string | null;
  nonce: string | null;
  auth_time: Date | string;
  consumed_at: Date | string | null;
}

const COLUMNS =
  'id, realm_id, application_id, user_id, session_id, redirect_uri, code_challenge, scope, resource, nonce, auth_time';

function codeOf(row: CodeRow): RedeemedCode {
  return {
    id: row.id,
    realmId: row.realm_id,
    applicationId: row.application_id,
    userId: row.user_id,
    sessionId: row.session_id,
    redirectUri: row.redirect_uri,
    codeChallenge: row.code_challenge,
    scope: row.scope,
    resource: row.resource,
    nonce: row.nonce,
    authTime: new Date(row.auth_time),
    consumedAt: row.consumed_at === null ? null : new Date(row.consumed_at),
  };
}

/**
 * Authorization codes (RFC 6749 §4.1.2): stored as digests, redeemed once, atomically. Plain SQL,
 * one statement per step, as for refresh tokens (oauth/token-store.service.ts): every sign-in
 * writes one and exchanges it.
 */
export class AuthorizationCodeService {
  readonly #orm: Orm;
  readonly #clock: Clock;

  constructor(orm: Orm, clock: Clock) {
    this.#orm = orm;
    this.#clock = clock;
  }

  /**
   * A new code for `grant`, valid AUTHORIZATION_CODE_TTL_SECONDS, and the application noted among
   * those its session signed in to (`session_applications`), in one statement. `withSession`: the
   * statement that stores the session it was issued in (`insert ... returning id`), run in the same
   * statement too (data-modifying CTEs).
   */
  async issue(grant: CodeGrant, withSession?: { sql: string; params: unknown[] }): Promise<string> {
    const code = newSecret();
    // A new session is not visible to its sibling CTEs' reads: its application row takes its id from
    // the insert's `returning`. An existing one is read (it may have just ended: then no row).
    const signedIn = withSession
      ? 'signed_in as (insert into session_applications (session_id, application_id) select id, ?::uuid from session)'
      : `signed_in as (insert into session_applications (session_id, application_id)
           select id, ?::uuid from sessions where id = ? and realm_id = ? on conflict do nothing)`;
    const insert = `insert into authorization_codes (${COLUMNS}, code_hash, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    try {
      await runStatement(
        this.#orm,
        withSession ? `with session as (${withSession.sql}), ${signedIn} ${insert}` : `with ${signedIn} ${insert}`,
        [
          ...(withSession?.params ?? []),
          grant.applicationId,
          ...(withSession ? [] : [grant.sessionId, grant.realmId]),
          newId(),
          grant.realmId,
          grant.applicationId,
          grant.userId,
          grant.sessionId,
          grant.redirectUri,
          grant.codeChallenge,
          grant.scope,
          grant.resource,
          grant.nonce,
          grant.authTime,
          digestOf(code),
          new Date(this.#clock() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
        ],
      );
    } catch (error) {
      // 23503 (foreign_key_violation): the session was read, then ended (a logout, an administrator)
      // before its application row went in. The sign-in cannot go on in it.
      if ((error as { code?: unknown }).code === '23503') throw new SessionEndedError();
      throw error;
    }
    return code;
  }

  /**
   * Marks the code used, in one statement, so that of two concurrent exchanges one wins. An expired
   * code is `invalid`; a used one is `reused` (RFC 6749 §4.1.2: what it issued should be revoked).
   */
  async redeem(realmId: string, code: string): Promise<Redemption> {
    const codeHash = digestOf(code);
    const now = new Date(this.#clock());
    const claimed = await firstRow<CodeRow>(
      this.#orm,
      `update authorization_codes set consumed_at = ?
        where realm_id = ? and code_hash = ? and consumed_at is null and expires_at > ?
        returning ${COLUMNS}, null as consumed_at`,
      [now, realmId, codeHash, now],
    );
    if (claimed) return { status: 'redeemed', code: codeOf(claimed) };
    const used = await firstRow<CodeRow>(
      this.#orm,
      `select ${COLUMNS}, consumed_at from authorization_codes
        where realm_id = ? and code_hash = ? and consumed_at is not null`,
      [realmId, codeHash],
    );
    return used ? { status: 'reused', code: codeOf(used) } : { status: 'invalid' };
  }
}
