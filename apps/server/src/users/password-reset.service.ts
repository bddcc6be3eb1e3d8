import { LockMode, RequestContext } from '@mikro-orm/core';
import {
  ACCOUNT_EMAIL_INTERVAL_SECONDS,
  PASSWORD_RESET_LINK_TTL_MINUTES,
  RESET_PASSWORD_PATH,
  realmPath,
} from '@realmkit/contract';
import type { Clock } from '../clock/clock.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { firstRow, runStatement } from '../db/statement.ts';
import { ApiError, NotFoundError } from '../errors/api-error.ts';
import { PASSWORD_RESET_REQUESTED, type PasswordResetRequestedPayload } from '../events/event-types.ts';
import { addOutboxEvent } from '../events/outbox.ts';
import { PasswordResetEntity } from './password-reset.entity.ts';
import { LinkError, linkWithToken, readLinkToken, secondsBeforeNextEmail, signLinkToken } from './signed-link.ts';
import { UserEntity } from './user.entity.ts';
import type { UserService } from './user.service.ts';

/** What a link's page catches: the sign-in pages meet the users feature through its services. */
export { LinkError };

const INVALID = () => new LinkError(400, 'This password reset link is not valid.');
const USED = () => new LinkError(409, 'This link has been used already. Ask for a new password reset email.');
const EXPIRED = () => new LinkError(410, 'This link has expired. Ask for a new password reset email.');

/** What the reset page needs to know of a link that still works. */
export interface OpenReset {
  id: string;
  userId: string;
  email: string;
}

/**
 * Password reset emails, asked for on the sign-in's "Forgot password?" page or by an admin, and
 * the link they carry (OWASP Forgot Password Cheat Sheet): signed, single use, valid
 * PASSWORD_RESET_LINK_TTL_MINUTES, and working only while the user still has the address it went to.
 */
export class PasswordResetService {
  readonly #orm: Orm;
  /** Every key of the ring, the current one first: links are signed with it, read with any. */
  readonly #linkKeys: readonly Buffer[];
  readonly #users: Pick<UserService, 'findByLogin' | 'setPassword'>;
  readonly #clock: Clock;
  readonly #onEventAdded: () => void;

  /** `onEventAdded` runs after a commit that added an outbox event (wakes the notifier). */
  constructor(
    orm: Orm,
    linkKeys: readonly Buffer[],
    users: Pick<UserService, 'findByLogin' | 'setPassword'>,
    clock: Clock,
    onEventAdded: () => void = () => {},
  ) {
    this.#orm = orm;
    this.#linkKeys = linkKeys;
    this.#users = users;
    this.#clock = clock;
    this.#onEventAdded = onEventAdded;
  }

  /** The link a reset email carries: the realm's reset page, with the signed token. */
  link(issuerUrl: string, realmName: string, resetId: string, expiresAt: Date): string {
    return linkWithToken(
      issuerUrl,
      realmPath(RESET_PASSWORD_PATH, realmName),
      signLinkToken(this.#linkKeys[0] as Buffer, resetId, expiresAt),
    );
  }

  /**
   * An admin's request (Management API): 404 for an unknown user, 429 with `Retry-After` within
   * ACCOUNT_EMAIL_INTERVAL_SECONDS of the last email.
   */
  async request(realm: { id: string; name: string }, userId: string): Promise<void> {
    const outcome = await this.#queue(realm, userId);
    if (outcome === 'no user') throw new NotFoundError('User not found');
    if (typeof outcome === 'number') {
      throw new ApiError(429, `A password reset email was sent less than a minute ago; retry in ${outcome} s`, {
        headers: { 'Retry-After': String(outcome) },
      });
    }
  }

  /**
   * The "Forgot password?" form's request, by email or username. Says nothing: an unknown account,
   * a suspended one and a second request within the interval send nothing, and the page answers
   * the same in every case.
   */
  async requestFor(realm: { id: string; name: string }, identifier: string): Promise<void> {
    const user = await this.#users.findByLogin(realm.id, identifier);
    if (user) await this.#queue(realm, user.id, { skipSuspended: true });
  }

  /** The reset a link names, while it still works; else a {@link LinkError}. Changes nothing. */
  async check(realmId: string, token: string): Promise<OpenReset> {
    const read = readLinkToken(this.#linkKeys, token);
    if (!read) throw INVALID();
    // The reset and its user's current address, in one statement (the user is gone: no address).
    const row = await firstRow<{
      user_id: string;
      email: string;
      used_at: Date | null;
      expires_at: Date | string;
      current_email: string | null;
    }>(
      this.#orm,
      `select r.user_id, r.email, r.used_at, r.expires_at, u.email as current_email
         from password_resets r left join users u on u.id = r.user_id and u.realm_id = r.realm_id
        where r.id = ? and r.realm_id = ?`,
      [read.id, realmId],
    );
    if (!row) throw INVALID();
    if (row.used_at) throw USED();
    if (new Date(row.expires_at).getTime() <= this.#clock()) throw EXPIRED();
    if (row.current_email !== row.email) throw new LinkError(409, 'The account no longer has this email address.');
    return { id: read.id, userId: row.user_id, email: row.email };
  }

  /**
   * Sets the password a link's page was sent, under the realm's rules (422 like every path that
   * sets one), and uses the link up: of two concurrent posts one wins. Following the link proved
   * the address, so the email counts as verified. Setting the password ends the user's sessions
   * and refresh tokens (UserService.setPassword).
   */
  async complete(realmId: string, token: string, password: string, field: string): Promise<OpenReset> {
    const reset = await this.check(realmId, token);
    const now = new Date(this.#clock());
    const [claimed] = await runStatement<{ id: string }>(
      this.#orm,
      'update password_resets set used_at = ? where id = ? and used_at is null and expires_at > ? returning id',
      [now, reset.id, now],
    );
    if (!claimed) throw USED();
    try {
      // The sign-in pages run outside the API's request context: UserService's entity manager needs one.
      await RequestContext.create(this.#orm.em, () =>
        this.#users.setPassword(realmId, reset.userId, password, { field, verifiedEmail: reset.email }),
      );
    } catch (error) {
      // A password the rules refuse leaves the link usable for the next try.
      await runStatement(this.#orm, 'update password_resets set used_at = null where id = ?', [reset.id]);
      throw error;
    }
    return reset;
  }

  /**
   * Records a reset and its `user.password_reset_requested` event in one transaction, under the
   * user's row lock (so the interval holds between concurrent requests). Answers how many seconds
   * to wait when one went out within the interval.
   */
  async #queue(
    realm: { id: string; name: string },
    userId: string,
    options: { skipSuspended?: boolean } = {},
  ): Promise<'queued' | 'no user' | 'skipped' | number> {
    const outcome = await this.#orm.em.fork().transactional(async (em) => {
      const user = await em.findOne(
        UserEntity,
        { id: userId, realmId: realm.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!user) return 'no user' as const;
      if (options.skipSuspended && user.isSuspended) return 'skipped' as const;
      const last = await em.findOne(PasswordResetEntity, { userId }, { orderBy: { createdAt: 'desc' } });
      const wait = secondsBeforeNextEmail(last?.createdAt, ACCOUNT_EMAIL_INTERVAL_SECONDS, this.#clock());
      if (wait > 0) return wait;
      const reset = em.create(PasswordResetEntity, {
        id: newId(),
        realmId: realm.id,
        userId,
        email: user.email,
        createdAt: new Date(this.#clock()),
        expiresAt: new Date(this.#clock() + PASSWORD_RESET_LINK_TTL_MINUTES * 60 * 1000),
      });
      const payload: PasswordResetRequestedPayload = {
        userId,
        resetId: reset.id,
        email: user.email,
        realmName: realm.name,
        expiresAt: reset.expiresAt.toISOString(),
      };
      addOutboxEvent(em, realm.id, PASSWORD_RESET_REQUESTED, payload);
      return 'queued' as const;
    });
    if (outcome === 'queued') this.#onEventAdded();
    return outcome;
  }
}
