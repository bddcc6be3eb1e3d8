import { SESSION_IDLE_TTL_SECONDS, SESSION_MAX_TTL_SECONDS } from '@realmkit/contract';
import type { Clock } from '../clock/clock.ts';
import { digestOf, newSecret, sameSecret } from '../crypto/random-secret.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Session, SessionEntity } from './session.entity.ts';

/** A session's last use is written at most this often: a burst of sign-ins is not a burst of writes. */
const TOUCH_INTERVAL_MS = 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Login sessions: one per browser that signed in to a realm, found by the realm's session cookie
 * `<id>.<secret>` (only the secret's digest is stored). Each query is in its realm.
 */
export class SessionService {
  readonly #orm: Orm;
  readonly #clock: Clock;

  constructor(orm: Orm, clock: Clock) {
    this.#orm = orm;
    this.#clock = clock;
  }

  /** A new session for a user who has just proven who they are; `cookie` is the value to set. */
  async start(realmId: string, userId: string): Promise<{ session: Session; cookie: string }> {
    const now = new Date(this.#clock());
    const secret = newSecret();
    const em = this.#orm.em.fork();
    const session = em.create(SessionEntity, {
      id: newId(),
      realmId,
      userId,
      secretHash: digestOf(secret),
      authTime: now,
      lastActiveAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_TTL_SECONDS * 1000),
    });
    await em.flush();
    return { session, cookie: `${session.id}.${secret}` };
  }

  /**
   * The live session a cookie names in this realm, or `null`: unknown, of another realm, a wrong
   * secret, past its absolute end, or unused for longer than SESSION_IDLE_TTL_SECONDS. Using it
   * counts as activity.
   */
  async find(realmId: string, cookie: string | undefined): Promise<Session | null> {
    const [id, secret] = (cookie ?? '').split('.');
    if (!id || !secret || !UUID.test(id)) return null;
    const em = this.#orm.em.fork();
    const session = await em.findOne(SessionEntity, { id, realmId });
    if (!session || !sameSecret(session.secretHash, digestOf(secret))) return null;
    const now = this.#clock();
    if (session.expiresAt.getTime() <= now) return null;
    if (session.lastActiveAt.getTime() + SESSION_IDLE_TTL_SECONDS * 1000 <= now) return null;
    if (now - session.lastActiveAt.getTime() >= TOUCH_INTERVAL_MS) {
      session.lastActiveAt = new Date(now);
      await em.flush();
    }
    return session;
  }

  /** Ends a session (logout); nothing happens when it has already ended. */
  async end(realmId: string, id: string): Promise<void> {
    await this.#orm.em.fork().nativeDelete(SessionEntity, { id, realmId });
  }
}
