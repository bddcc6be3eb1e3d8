import { REFRESH_TOKEN_TTL_SECONDS } from '@realmkit/contract';
import type { Clock } from '../clock/clock.ts';
import { digestOf, newSecret } from '../crypto/random-secret.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type RefreshToken, RefreshTokenEntity, RevokedAccessTokenEntity } from './refresh-token.entity.ts';

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
}

/** What presenting a refresh token found. */
export type Rotation =
  | { status: 'rotated'; token: RefreshToken }
  | { status: 'reused'; token: RefreshToken }
  | { status: 'invalid' };

/**
 * Refresh tokens, stored as digests and rotated on every use (RFC 9700 §4.14.2), and access tokens
 * revoked before they expire (RFC 7009).
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
    const em = this.#orm.em.fork();
    em.create(RefreshTokenEntity, {
      id: newId(),
      ...grant,
      tokenHash: digestOf(token),
      expiresAt: new Date(this.#clock() + REFRESH_TOKEN_TTL_SECONDS * 1000),
      usedAt: null,
      revokedAt: null,
    });
    await em.flush();
    return token;
  }

  /**
   * Uses a refresh token up, in one statement (of two concurrent uses one wins). A token used
   * before, whose family is not revoked yet, is `reused`: the family is revoked, as a stolen token
   * and its thief's successors can no longer be told from the real client's (RFC 9700 §4.14.2).
   */
  async rotate(realmId: string, token: string): Promise<Rotation> {
    const em = this.#orm.em.fork();
    const tokenHash = digestOf(token);
    const now = new Date(this.#clock());
    const claimed = await em.nativeUpdate(
      RefreshTokenEntity,
      { realmId, tokenHash, usedAt: null, revokedAt: null, expiresAt: { $gt: now } },
      { usedAt: now },
    );
    const row = await em.findOne(RefreshTokenEntity, { realmId, tokenHash });
    if (!row) return { status: 'invalid' };
    if (claimed === 1) return { status: 'rotated', token: row };
    if (row.usedAt && !row.revokedAt) {
      await this.revokeFamily(realmId, row.familyId);
      return { status: 'reused', token: row };
    }
    return { status: 'invalid' };
  }

  /** The refresh token, whatever its state, for revocation; `null` when unknown. */
  find(realmId: string, token: string): Promise<RefreshToken | null> {
    return this.#orm.em.fork().findOne(RefreshTokenEntity, { realmId, tokenHash: digestOf(token) });
  }

  /** Revokes every refresh token of a family (one sign-in's, rotated). */
  async revokeFamily(realmId: string, familyId: string): Promise<void> {
    await this.#orm.em
      .fork()
      .nativeUpdate(RefreshTokenEntity, { realmId, familyId, revokedAt: null }, { revokedAt: new Date(this.#clock()) });
  }

  /** Refuses the access token `jti` until `expiresAt` (RFC 7009 §2); revoking it twice is harmless. */
  async revokeAccessToken(realmId: string, jti: string, expiresAt: Date): Promise<void> {
    await this.#orm.em
      .fork()
      .getConnection()
      .execute(
        'insert into revoked_access_tokens (jti, realm_id, expires_at) values (?, ?, ?) on conflict do nothing',
        [jti, realmId, expiresAt],
      );
  }

  /** Whether the access token `jti` was revoked. */
  async isAccessTokenRevoked(jti: string): Promise<boolean> {
    if (!UUID.test(jti)) return false;
    return (await this.#orm.em.fork().count(RevokedAccessTokenEntity, { jti })) > 0;
  }
}
