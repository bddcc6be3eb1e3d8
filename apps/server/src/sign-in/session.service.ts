import { SESSION_IDLE_TTL_SECONDS, SESSION_MAX_TTL_SECONDS } from '@realmkit/contract';
import type { Clock } from '../clock/clock.ts';
import { digestOf, newSecret, sameSecret } from '../crypto/random-secret.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { firstRow, runStatement } from '../db/statement.ts';

/** A session's last use is written at most this often: a burst of sign-ins is not a burst of writes. */
const TOUCH_INTERVAL_MS = 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A live login session (sessions table, session.entity.ts). */
export interface LoginSession {
  id: string;
  realmId: string;
  userId: string;
  /** When the user last typed their password (OIDC `auth_time`). */
  authTime: Date;
}

/** A session made by {@link SessionService.create}: the session, its cookie, and the statement that stores it. */
export interface NewSession {
  session: LoginSession;
  cookie: string;
  insert: { sql: string; params: unknown[] };
}

interface SessionRow {
  user_id: string;
  secret_hash: string;
  auth_time: Date | string;
  last_active_at: Date | string;
  expires_at: Date | string;
}

/**
 * Login sessions: one per browser that signed in to a realm, found by the realm's session cookie
 * `<id>.<secret>` (only the secret's digest is stored). Each query is in its realm; plain SQL, one
 * statement per step (every sign-in starts one).
 */
export class SessionService {
  readonly #orm: Orm;
  readonly #clock: Clock;

  constructor(orm: Orm, clock: Clock) {
    this.#orm = orm;
    this.#clock = clock;
  }

  /**
   * A new session for a user who has just proven who they are, not stored yet: `cookie` is the value
   * to set, `insert` the statement that stores it, run with the sign-in's authorization code
   * (AuthorizationCodeService.issue: one round trip for both).
   */
  create(realmId: string, userId: string, options: { authTime?: Date | undefined } = {}): NewSession {
    const now = new Date(this.#clock());
    const authTime = options.authTime ?? now;
    const secret = newSecret();
    const id = newId();
    return {
      session: { id, realmId, userId, authTime },
      cookie: `${id}.${secret}`,
      insert: {
        sql: `insert into sessions (id, realm_id, user_id, secret_hash, auth_time, last_active_at, expires_at)
              values (?, ?, ?, ?, ?, ?, ?)`,
        params: [
          id,
          realmId,
          userId,
          digestOf(secret),
          authTime,
          now,
          new Date(now.getTime() + SESSION_MAX_TTL_SECONDS * 1000),
        ],
      },
    };
  }

  /**
   * The live session a cookie names in this realm, or `null`: unknown, of another realm, a wrong
   * secret, past its absolute end, or unused for longer than SESSION_IDLE_TTL_SECONDS. Using it
   * counts as activity.
   */
  async find(realmId: string, cookie: string | undefined): Promise<LoginSession | null> {
    const [id, secret] = (cookie ?? '').split('.');
    if (!id || !secret || !UUID.test(id)) return null;
    const row = await firstRow<SessionRow>(
      this.#orm,
      'select user_id, secret_hash, auth_time, last_active_at, expires_at from sessions where id = ? and realm_id = ?',
      [id, realmId],
    );
    if (!row || !sameSecret(row.secret_hash, digestOf(secret))) return null;
    const now = this.#clock();
    const lastActive = new Date(row.last_active_at).getTime();
    if (new Date(row.expires_at).getTime() <= now) return null;
    if (lastActive + SESSION_IDLE_TTL_SECONDS * 1000 <= now) return null;
    if (now - lastActive >= TOUCH_INTERVAL_MS) {
      await runStatement(this.#orm, 'update sessions set last_active_at = ? where id = ?', [new Date(now), id]);
    }
    return { id, realmId, userId: row.user_id, authTime: new Date(row.auth_time) };
  }

  /** Ends a session (logout); nothing happens when it has already ended. */
  async end(realmId: string, id: string): Promise<void> {
    await runStatement(this.#orm, 'delete from sessions where id = ? and realm_id = ?', [id, realmId]);
  }
}
