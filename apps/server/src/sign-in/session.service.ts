import {
  SESSION_IDLE_TTL_SECONDS,
  SESSION_IP_MAX_LENGTH,
  SESSION_MAX_TTL_SECONDS,
  SESSION_USER_AGENT_MAX_LENGTH,
} from '@realmkit/contract';
import type { Clock } from '../clock/clock.ts';
import { digestOf, newSecret, sameSecret } from '../crypto/random-secret.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Page, type PageQuery, pageMeta, pageWindow } from '../db/pagination.ts';
import { firstRow, runStatement } from '../db/statement.ts';
import type { UserSessionRecord, UserSessions } from '../users/user.service.ts';

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

/** Where a sign-in came from: the request's address and its `User-Agent` (either unknown). */
export interface SignInOrigin {
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
}

/** `text` cut to `max` characters (code points, as PostgreSQL's varchar counts them); `null` when empty. */
function bounded(text: string | null | undefined, max: number): string | null {
  if (!text) return null;
  return text.length <= max ? text : [...text].slice(0, max).join('');
}

interface ListedSessionRow {
  id: string;
  created_at: Date | string;
  last_active_at: Date | string;
  expires_at: Date | string;
  ip: string | null;
  user_agent: string | null;
  applications: { id: string; client_id: string; name: string }[] | string | null;
  total: string | number;
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
export class SessionService implements UserSessions {
  readonly #orm: Orm;
  readonly #clock: Clock;

  constructor(orm: Orm, clock: Clock) {
    this.#orm = orm;
    this.#clock = clock;
  }

  /**
   * A new session for a user who has just proven who they are, not stored yet: `cookie` is the value
   * to set, `insert` the statement that stores it, run with the sign-in's authorization code
   * (AuthorizationCodeService.issue: one round trip for both). `origin`: where the sign-in came
   * from, kept for administrators (cut to the contract's bounds).
   */
  create(realmId: string, userId: string, origin: SignInOrigin & { authTime?: Date | undefined } = {}): NewSession {
    const now = new Date(this.#clock());
    const authTime = origin.authTime ?? now;
    const secret = newSecret();
    const id = newId();
    return {
      session: { id, realmId, userId, authTime },
      cookie: `${id}.${secret}`,
      insert: {
        sql: `insert into sessions (id, realm_id, user_id, secret_hash, auth_time, last_active_at, expires_at, ip, user_agent)
              values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        params: [
          id,
          realmId,
          userId,
          digestOf(secret),
          authTime,
          now,
          new Date(now.getTime() + SESSION_MAX_TTL_SECONDS * 1000),
          bounded(origin.ip, SESSION_IP_MAX_LENGTH),
          bounded(origin.userAgent, SESSION_USER_AGENT_MAX_LENGTH),
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

  /**
   * The user's live sessions, newest first, each with the applications it signed in to (those
   * that still exist), and how many there are: one statement.
   */
  async listOfUser(realmId: string, userId: string, query: PageQuery): Promise<Page<UserSessionRecord>> {
    const { limit, offset } = pageWindow(query);
    const [now, idleSince] = this.#liveBounds();
    const rows = await runStatement<ListedSessionRow>(
      this.#orm,
      `with live as (
         select id, created_at, last_active_at, expires_at, ip, user_agent from sessions
          where realm_id = ? and user_id = ? and expires_at > ? and last_active_at > ?
       )
       select s.*, (select count(*) from live) as total,
              (select coalesce(json_agg(json_build_object('id', a.id, 'client_id', a.client_id, 'name', a.name)
                                        order by sa.created_at, a.id), '[]')
                 from session_applications sa join applications a on a.id = sa.application_id
                where sa.session_id = s.id) as applications
         from live s order by s.created_at desc, s.id desc limit ? offset ?`,
      [realmId, userId, now, idleSince, limit, offset],
    );
    // A page past the end has no row to carry the count.
    const total =
      rows[0] !== undefined
        ? Number(rows[0].total)
        : offset === 0
          ? 0
          : Number(
              (
                await firstRow<{ total: string }>(
                  this.#orm,
                  `select count(*) as total from sessions
                    where realm_id = ? and user_id = ? and expires_at > ? and last_active_at > ?`,
                  [realmId, userId, now, idleSince],
                )
              )?.total ?? 0,
            );
    return {
      items: rows.map((row) => ({
        id: row.id,
        createdAt: new Date(row.created_at),
        lastActiveAt: new Date(row.last_active_at),
        expiresAt: new Date(row.expires_at),
        ip: row.ip,
        userAgent: row.user_agent,
        applications: (typeof row.applications === 'string'
          ? JSON.parse(row.applications)
          : (row.applications ?? [])
        ).map((app: { id: string; client_id: string; name: string }) => ({
          id: app.id,
          clientId: app.client_id,
          name: app.name,
        })),
      })),
      meta: pageMeta(query, total),
    };
  }

  /**
   * Ends one live session of the user, revokes the refresh tokens issued under it and deletes its
   * codes not exchanged yet, in one statement; false when the user has no such live session (unknown, another user's or realm's,
   * already ended).
   */
  async endOfUser(realmId: string, userId: string, sessionId: string): Promise<boolean> {
    const [now, idleSince] = this.#liveBounds();
    const row = await firstRow<{ id: string }>(
      this.#orm,
      `with ended as (
         delete from sessions
          where id = ? and realm_id = ? and user_id = ? and expires_at > ? and last_active_at > ?
         returning id
       ), revoked as (
         update refresh_tokens set revoked_at = ?
          where realm_id = ? and user_id = ? and session_id = ? and revoked_at is null
            and exists (select 1 from ended)
       ), unused_codes as (
         delete from authorization_codes
          where realm_id = ? and session_id = ? and consumed_at is null and exists (select 1 from ended)
       )
       select id from ended`,
      [sessionId, realmId, userId, now, idleSince, now, realmId, userId, sessionId, realmId, sessionId],
    );
    return row !== undefined;
  }

  /**
   * The statement that ends every session of the user, revokes every refresh token of the user
   * (whatever session, or none, it came from) and deletes their codes not exchanged yet, for the
   * caller to run in its own transaction.
   */
  endAllOfUserStatement(realmId: string, userId: string): { sql: string; params: unknown[] } {
    return {
      sql: `with ended as (delete from sessions where realm_id = ? and user_id = ?),
                 unused_codes as (delete from authorization_codes where realm_id = ? and user_id = ? and consumed_at is null)
            update refresh_tokens set revoked_at = ? where realm_id = ? and user_id = ? and revoked_at is null`,
      params: [realmId, userId, realmId, userId, new Date(this.#clock()), realmId, userId],
    };
  }

  /** Ends every session of the user and revokes every refresh token of the user: one statement. */
  async endAllOfUser(realmId: string, userId: string): Promise<void> {
    const { sql, params } = this.endAllOfUserStatement(realmId, userId);
    await runStatement(this.#orm, sql, params);
  }

  /** Now, and the last use before which a session has ended for idleness. */
  #liveBounds(): [Date, Date] {
    const now = this.#clock();
    return [new Date(now), new Date(now - SESSION_IDLE_TTL_SECONDS * 1000)];
  }

  /** Ends a session (logout); nothing happens when it has already ended. */
  async end(realmId: string, id: string): Promise<void> {
    await runStatement(this.#orm, 'delete from sessions where id = ? and realm_id = ?', [id, realmId]);
  }
}
