import { LockMode } from '@mikro-orm/core';
import {
  ACCOUNT_EMAIL_INTERVAL_SECONDS,
  realmPath,
  SIGN_IN_VERIFY_EMAIL_PATH,
  VERIFICATION_LINK_TTL_HOURS,
  VERIFY_EMAIL_PAGE_PATH,
} from '@realmkit/contract';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { ApiError, ConflictError, NotFoundError } from '../errors/api-error.ts';
import { VERIFY_EMAIL_REQUESTED, type VerifyEmailRequestedPayload } from '../events/event-types.ts';
import { addOutboxEvent } from '../events/outbox.ts';
import { EmailVerificationEntity } from './email-verification.entity.ts';
import { LinkError, linkWithToken, readLinkToken, secondsBeforeNextEmail, signLinkToken } from './signed-link.ts';
import { UserEntity } from './user.entity.ts';

/** How long a verification link works. */
const VERIFICATION_LINK_TTL_MS = VERIFICATION_LINK_TTL_HOURS * 60 * 60 * 1000;

/** Verification emails: requested through the API, confirmed by following the link. */
export class EmailVerificationService {
  readonly #orm: Orm;
  /** Every key of the ring, the current one first: links are signed with it, read with any. */
  readonly #linkKeys: readonly Buffer[];
  readonly #onEventAdded: () => void;

  /** `onEventAdded` runs after a commit that added an outbox event (wakes the notifier). */
  constructor(orm: Orm, linkKeys: readonly Buffer[], onEventAdded: () => void = () => {}) {
    this.#orm = orm;
    this.#linkKeys = linkKeys;
    this.#onEventAdded = onEventAdded;
  }

  /**
   * The signed link of a verification, under the public base URL: what the email carries. One
   * asked for at sign-in opens that realm's page (`signInRealm`), which continues the sign-in.
   */
  link(issuerUrl: string, verificationId: string, expiresAt: Date, options: { signInRealm?: string } = {}): string {
    const path = options.signInRealm
      ? realmPath(SIGN_IN_VERIFY_EMAIL_PATH, options.signInRealm)
      : VERIFY_EMAIL_PAGE_PATH;
    return linkWithToken(issuerUrl, path, signLinkToken(this.#linkKeys[0] as Buffer, verificationId, expiresAt));
  }

  /**
   * Records a verification and its `user.verify_email_requested` event in one transaction.
   * 409 when the email is verified already; 429 with `Retry-After` within a minute of the last.
   * `signIn`: asked for by a user held at sign-in, whose link continues it.
   */
  async request(
    realm: { id: string; name: string },
    userId: string,
    options: { signIn?: boolean } = {},
  ): Promise<void> {
    await this.#orm.em.fork().transactional(async (em) => {
      // The user's row lock serialises concurrent requests, so the rate limit holds.
      const user = await em.findOne(
        UserEntity,
        { id: userId, realmId: realm.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!user) throw new NotFoundError('User not found');
      if (user.emailVerified) throw new ConflictError('The email address is already verified');
      const last = await em.findOne(EmailVerificationEntity, { userId }, { orderBy: { createdAt: 'desc' } });
      const seconds = secondsBeforeNextEmail(last?.createdAt, ACCOUNT_EMAIL_INTERVAL_SECONDS);
      if (seconds > 0) {
        throw new ApiError(429, `A verification email was sent less than a minute ago; retry in ${seconds} s`, {
          headers: { 'Retry-After': String(seconds) },
        });
      }
      const verification = em.create(EmailVerificationEntity, {
        id: newId(),
        realmId: realm.id,
        userId,
        email: user.email,
        expiresAt: new Date(Date.now() + VERIFICATION_LINK_TTL_MS),
      });
      const payload: VerifyEmailRequestedPayload = {
        userId,
        verificationId: verification.id,
        email: user.email,
        realmName: realm.name,
        expiresAt: verification.expiresAt.toISOString(),
        ...(options.signIn ? { signIn: true } : {}),
      };
      addOutboxEvent(em, realm.id, VERIFY_EMAIL_REQUESTED, payload);
    });
    this.#onEventAdded();
  }

  /** Follows a link: marks the email verified, once. Throws a {@link LinkError}. */
  async confirm(token: string): Promise<{ email: string; userId: string; realmId: string }> {
    const read = readLinkToken(this.#linkKeys, token);
    if (!read) throw new LinkError(400, 'This verification link is not valid.');
    return this.#orm.em.fork().transactional(async (em) => {
      const verification = await em.findOne(
        EmailVerificationEntity,
        { id: read.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!verification) throw new LinkError(400, 'This verification link is not valid.');
      if (verification.usedAt) throw new LinkError(409, 'This link has been used already.');
      if (verification.expiresAt.getTime() <= Date.now()) {
        throw new LinkError(410, 'This link has expired. Ask for a new verification email.');
      }
      const user = await em.findOne(UserEntity, { id: verification.userId, realmId: verification.realmId });
      if (!user || user.email !== verification.email) {
        throw new LinkError(409, 'The account no longer has this email address.');
      }
      user.emailVerified = true;
      verification.usedAt = new Date();
      return { email: user.email, userId: user.id, realmId: user.realmId };
    });
  }
}
