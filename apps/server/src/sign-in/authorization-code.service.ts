import { AUTHORIZATION_CODE_TTL_SECONDS } from '@realmkit/contract';
import type { Clock } from '../clock/clock.ts';
import { digestOf, newSecret } from '../crypto/random-secret.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type AuthorizationCode, AuthorizationCodeEntity } from './authorization-code.entity.ts';

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

/** What redeeming a code found: a code to exchange, one already exchanged (to revoke what it gave), or nothing. */
export type Redemption =
  | { status: 'redeemed'; code: AuthorizationCode }
  | { status: 'reused'; code: AuthorizationCode }
  | { status: 'invalid' };

/** Authorization codes (RFC 6749 §4.1.2): stored as digests, redeemed once, atomically. */
export class AuthorizationCodeService {
  readonly #orm: Orm;
  readonly #clock: Clock;

  constructor(orm: Orm, clock: Clock) {
    this.#orm = orm;
    this.#clock = clock;
  }

  /** A new code for `grant`, valid AUTHORIZATION_CODE_TTL_SECONDS. */
  async issue(grant: CodeGrant): Promise<string> {
    const code = newSecret();
    const em = this.#orm.em.fork();
    em.create(AuthorizationCodeEntity, {
      id: newId(),
      ...grant,
      codeHash: digestOf(code),
      expiresAt: new Date(this.#clock() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
      consumedAt: null,
    });
    await em.flush();
    return code;
  }

  /**
   * Marks the code used, in one statement, so that of two concurrent exchanges one wins. An expired
   * code is `invalid`; a used one is `reused` (RFC 6749 §4.1.2: what it issued should be revoked).
   */
  async redeem(realmId: string, code: string): Promise<Redemption> {
    const em = this.#orm.em.fork();
    const codeHash = digestOf(code);
    const now = new Date(this.#clock());
    const claimed = await em.nativeUpdate(
      AuthorizationCodeEntity,
      { realmId, codeHash, consumedAt: null, expiresAt: { $gt: now } },
      { consumedAt: now },
    );
    const row = await em.findOne(AuthorizationCodeEntity, { realmId, codeHash });
    if (!row) return { status: 'invalid' };
    if (claimed === 1) return { status: 'redeemed', code: row };
    return row.consumedAt ? { status: 'reused', code: row } : { status: 'invalid' };
  }
}
