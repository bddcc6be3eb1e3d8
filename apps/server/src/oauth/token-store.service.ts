import { REFRESH_TOKEN_TTL_SECONDS } from '@realmkit/contract';
import type { Clock } from '../clock/clock.ts';
import { digestOf, newSecret } from '../crypto/random-secret.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { firstRow, runStatement } from '../db/statement.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a refresh token is issued for: a user's grant to a client. */
export interface RefreshGrant {
  realmId: string;
  familyId: string;
  applicationId: string;
  userId: string;
  sessionId: string | null;
  scope: string;
  resource: string | null;
  authTime: Date;
  /** The DPoP key a public client's token is bound to (RFC 9449 §5), by thumbprint. */
  dpopJkt: string | null;
}

/** What presenting a refresh token found. */
export type Rotation =
  | { status: 'rotated'; grant: RefreshGrant /** The new refresh token, of the same grant. */; successor: string }
  | { status: 'reused'; familyId: string }
  /** Bound to a DPoP key (RFC 9449 §5), and presented without a proof of it: left unused. */
  | { status: 'wrong_key' }
  | { status: 'invalid' };

interface GrantRow {
  realm_id: string;
  family_id: string;
  application_id: string;
  user_id: string;
  session_id: string | null;
  scope: string;
  resource: string | null;
  auth_time: Date | string;
  dpop_jkt: string | null;
}

const GRANT_COLUMNS = 'realm_id, family_id, application_id, user_id, session_id, scope, resource, auth_time, dpop_jkt';

function grantOf(row: GrantRow): RefreshGrant {
  return {
    realmId: row.realm_id,
    familyId: row.family_id,
    applicationId: row.application_id,
    userId: row.user_id,
    sessionId: row.session_id,
    scope: row.scope,
    resource: row.resource,
    authTime: new Date(row.auth_time),
    dpopJkt: row.dpop_jkt,
  };
}

/**
 * Refresh tokens, stored as digests and rotated on every use (RFC 9700 §4.14.2), and access tokens
 * revoked before they expire (RFC 7009). Plain SQL, one statement per step: a refresh is the
 * busiest sign-in request (docs/performance.md, figure 8), and each statement here is a round trip
 * that the ORM's unit of work would have wrapped in a transaction of three.
 */
export class TokenStoreService {
  readonly #orm: Orm;
  readonly #clock: Clock;

  constructor(orm: Orm, clock: Clock) {
    this.#orm = orm;
    this.#clock = clock;
  }

  /** A new refresh token of `grant`'s family, valid REFRESH_TOKEN_TTL_SECONDS. */
  async issue(grant: RefreshGrant): Promise<string> {
    const token = newSecret();
    await runStatement(
      this.#orm,
      `insert into refresh_tokens (id, ${GRANT_COLUMNS}, token_hash, expires_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        newId(),
        grant.realmId,
        grant.familyId,
        grant.applicationId,
        grant.userId,
        grant.sessionId,
        grant.scope,
        grant.resource,
        grant.authTime,
        grant.dpopJkt,
        digestOf(token),
        new Date(this.#clock() + REFRESH_TOKEN_TTL_SECONDS * 1000),
      ],
    );
    return token;
  }

  /**
   * Uses up the refresh token of `applicationId` and issues its successor in the same family, in
   * one statement: of two concurrent uses one wins, and no crash can leave a used token without
   * its successor. Another client's token is left as it is (RFC 6749 §6). A token used before,
   * whose family is not revoked yet, is `reused`: the family is revoked, as a stolen token and its
   * thief's successors can no longer be told from the real client's (RFC 9700 §4.14.2). A token
   * bound to a DPoP key is used only with a proof of that key (`dpopJkt`, RFC 9449 §5), and left
   * unused otherwise (`wrong_key`); its successor is bound to the same key.
   */
  async rotate(realmId: string, applicationId: string, token: string, dpopJkt: string | null): Promise<Rotation> {
    const tokenHash = digestOf(token);
    const now = new Date(this.#clock());
    const successor = newSecret();
    const claimed = await firstRow<GrantRow>(
      this.#orm,
      `with used as (
         update refresh_tokens set used_at = ?
          where token_hash = ? and realm_id = ? and application_id = ?
            and used_at is null and revoked_at is null and expires_at > ?
            and (dpop_jkt is null or dpop_jkt = ?)
          returning ${GRANT_COLUMNS}
       ), successor as (
         insert into refresh_tokens (id, ${GRANT_COLUMNS}, token_hash, expires_at)
         select ?, ${GRANT_COLUMNS}, ?, ? from used
       )
       select ${GRANT_COLUMNS} from used`,
      [
        now,
        tokenHash,
        realmId,
        applicationId,
        now,
        dpopJkt,
        newId(),
        digestOf(successor),
        new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000),
      ],
    );
    if (claimed) return { status: 'rotated', grant: grantOf(claimed), successor };
    const row = await firstRow<{
      family_id: string;
      used_at: Date | null;
      revoked_at: Date | null;
      expires_at: Date | string;
      dpop_jkt: string | null;
    }>(
      this.#orm,
      `select family_id, used_at, revoked_at, expires_at, dpop_jkt from refresh_tokens
        where token_hash = ? and realm_id = ? and application_id = ?`,
      [tokenHash, realmId, applicationId],
    );
    if (row?.used_at && !row.revoked_at) {
      await this.revokeFamily(realmId, row.family_id);
      return { status: 'reused', familyId: row.family_id };
    }
    const live = row && !row.revoked_at && new Date(row.expires_at) > now;
    if (live && row.dpop_jkt !== null && row.dpop_jkt !== dpopJkt) return { status: 'wrong_key' };
    return { status: 'invalid' };
  }

  /** The family of a refresh token of `applicationId`, whatever its state, for revocation; `null` when unknown. */
  async familyOf(realmId: string, applicationId: string, token: string): Promise<string | null> {
    const row = await firstRow<{ family_id: string }>(
      this.#orm,
      'select family_id from refresh_tokens where token_hash = ? and realm_id = ? and application_id = ?',
      [digestOf(token), realmId, applicationId],
    );
    return row?.family_id ?? null;
  }

  /** Revokes every refresh token of a family (one sign-in's, rotated). */
  async revokeFamily(realmId: string, familyId: string): Promise<void> {
    await runStatement(
      this.#orm,
      'update refresh_tokens set revoked_at = ? where realm_id = ? and family_id = ? and revoked_at is null',
      [new Date(this.#clock()), realmId, familyId],
    );
  }

  /** Refuses the access token `jti` until `expiresAt` (RFC 7009 §2); revoking it twice is harmless. */
  async revokeAccessToken(realmId: string, jti: string, expiresAt: Date): Promise<void> {
    await runStatement(
      this.#orm,
      'insert into revoked_access_tokens (jti, realm_id, expires_at) values (?, ?, ?) on conflict do nothing',
      [jti, realmId, expiresAt],
    );
  }

  /** Whether the access token `jti` was revoked. */
  async isAccessTokenRevoked(jti: string): Promise<boolean> {
    if (!UUID.test(jti)) return false;
    return (await firstRow(this.#orm, 'select 1 from revoked_access_tokens where jti = ?', [jti])) !== undefined;
  }
}
