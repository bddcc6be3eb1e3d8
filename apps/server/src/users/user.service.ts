import { randomBytes } from 'node:crypto';
import { type EntityDictionary, LockMode } from '@mikro-orm/core';
import {
  type CreateUserBody,
  type CursorListQuery,
  IMPORTED_HASH_LIMITS,
  type ListQuery,
  type UpdateUserBody,
} from '@realmkit/contract';
import { findInRealm, readInRealm } from '../db/find-in-realm.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import {
  type CursorPage,
  type CursorPageQuery,
  newestFirstPage,
  type Page,
  type PageQuery,
  paged,
  searchFilter,
} from '../db/pagination.ts';
import { deleteRow, type RowCheck, updateRow } from '../db/row-version.ts';
import { runStatement } from '../db/statement.ts';
import { withConflicts } from '../db/unique-violation.ts';
import { ApiError, type ErrorDetail, NotFoundError, ValidationError } from '../errors/api-error.ts';
import type { Realm } from '../realms/realm.entity.ts';
import type { Role } from '../roles/role.entity.ts';
import type { RoleService } from '../roles/role.service.ts';
import {
  hashPassword,
  IMPORTED_DIGESTS,
  needsRehash,
  type PasswordPolicy,
  passwordProblems,
  verifyPassword,
  withinCostLimits,
} from './password.ts';
import type { PasswordWork } from './password-work.ts';
import { type User, UserEntity, type UserIdentity, UserIdentityEntity } from './user.entity.ts';

const CONFLICTS = {
  users_realm_email_unique: { path: 'email', message: 'A user with this email already exists in this realm' },
  users_realm_username_unique: { path: 'username', message: 'A user with this username already exists in this realm' },
};

const notFound = () => new NotFoundError('User not found');

/** Emails compare case-insensitively; stored lower-cased, as Keycloak and Auth0 do. */
function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Why an imported hash of `algorithm` is refused for its cost: the bounds, from the contract. */
function costMessage(algorithm: keyof typeof IMPORTED_DIGESTS): string {
  const limits = IMPORTED_HASH_LIMITS;
  return algorithm === 'bcrypt'
    ? `The bcrypt cost must be at most ${limits.bcryptMaxCost}`
    : `The argon2id parameters must be at most m=${limits.argon2idMaxMemoryKiB}, t=${limits.argon2idMaxTimeCost}, ` +
        `p=${limits.argon2idMaxParallelism}`;
}

/** An imported hash, checked for its format and its cost (422 otherwise): it is stored as it is. */
function importedDigest(algorithm: keyof typeof IMPORTED_DIGESTS, digest: string): string {
  if (!IMPORTED_DIGESTS[algorithm].test(digest)) {
    throw new ValidationError(`password_digest is not a valid ${algorithm} hash`, [
      { path: 'password_digest', message: `Not a valid ${algorithm} hash` },
    ]);
  }
  if (!withinCostLimits(digest)) {
    throw new ValidationError('password_digest costs more than this server checks', [
      { path: 'password_digest', message: costMessage(algorithm) },
    ]);
  }
  return digest;
}

/**
 * A sign-in's password check: valid for `user`, or not, with the user the identifier named (a wrong
 * password, or none set) or `null` (no such user). The client is told neither apart.
 */
export type CredentialCheck = { valid: true; user: User } | { valid: false; user: User | null };

/** What a signed-in user's tokens and claims need of them (findActive). */
export type ActiveUser = Pick<
  User,
  'id' | 'email' | 'username' | 'name' | 'givenName' | 'familyName' | 'emailVerified' | 'updatedAt'
>;

interface ActiveUserRow {
  id: string;
  email: string;
  username: string | null;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  email_verified: boolean;
  updated_at: Date | string;
}

/** A user's login session as the Management API shows it. */
export interface UserSessionRecord {
  id: string;
  createdAt: Date;
  lastActiveAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  /** The applications it signed in to that still exist, first first. */
  applications: { id: string; clientId: string; name: string }[];
}

/**
 * What users need of the login sessions: sign-in/'s SessionService, passed in (sign-in/ reads
 * users, so users/ may not import it).
 */
export interface UserSessions {
  /** The user's live sessions, newest first. */
  listOfUser(realmId: string, userId: string, query: PageQuery): Promise<Page<UserSessionRecord>>;
  /** Ends one live session of the user and revokes its refresh tokens; false when there is no such session. */
  endOfUser(realmId: string, userId: string, sessionId: string): Promise<boolean>;
  /** Ends every session of the user and revokes every refresh token of the user. */
  endAllOfUser(realmId: string, userId: string): Promise<void>;
  /** {@link endAllOfUser} as one statement, for the caller's transaction. */
  endAllOfUserStatement(realmId: string, userId: string): { sql: string; params: unknown[] };
}

/** What a users search matches: email, username and name (the contract's description of `search`). */
const SEARCHED = ['email', 'username', 'name'] as const;

let absentUserHashValue: Promise<string> | undefined;
/** An argon2id hash of a random password, made once, that unknown accounts are checked against. */
const absentUserHash = () => (absentUserHashValue ??= hashPassword(randomBytes(24).toString('base64url')));

/**
 * A realm by id, as far as its password policy goes: the hot-path cache's (services.ts), which a
 * change of the realm on this instance clears at once.
 */
export type RealmPolicySource = (
  realmId: string,
) => Promise<Pick<Realm, 'passwordMinLength' | 'passwordRefuseBreached'> | null>;

/** Users of a realm. Every query is filtered by `realmId`. */
export class UserService {
  readonly #orm: Orm;
  readonly #roles: RoleService;
  readonly #realms: RealmPolicySource;
  readonly #sessions: UserSessions;
  readonly #passwordWork: PasswordWork;

  /** `passwordWork`: the gate every hash and check of a password passes, per realm (503 `password_checks_busy` when full). */
  constructor(
    orm: Orm,
    roles: RoleService,
    realms: RealmPolicySource,
    sessions: UserSessions,
    passwordWork: PasswordWork,
  ) {
    this.#orm = orm;
    this.#roles = roles;
    this.#realms = realms;
    this.#sessions = sessions;
    this.#passwordWork = passwordWork;
  }

  /**
   * Newest first, built for realms of millions (docs/performance.md): a deferred join or the
   * `after` cursor for the rows, trigram indexes for `search`, and the maintained per-realm
   * count for an unfiltered `total`.
   */
  list(realmId: string, query: CursorPageQuery & Pick<CursorListQuery, 'search'>): Promise<CursorPage<User>> {
    // Emails and usernames hold no whitespace (the contract's Email and Username, on every path
    // that writes them): a term with some can only match a name, and their two trigram indexes,
    // the costlier half of a search, are not read.
    const searchIn = query.search && /\s/.test(query.search) ? (['name'] as const) : SEARCHED;
    return newestFirstPage<User>(this.#orm.em, UserEntity, { realmId, search: query.search, searchIn }, query, () =>
      this.#count(realmId),
    );
  }

  /** The realm's user count, kept by triggers on `users` (migration RealmUserCounts): 16 rows at most, not a scan. */
  async #count(realmId: string): Promise<number> {
    const [row] = await this.#orm.em.execute<{ total: string | null }[]>(
      'select sum(user_count) as total from realm_user_counts where realm_id = ?',
      [realmId],
    );
    return Number(row?.total ?? 0);
  }

  async get(realmId: string, id: string): Promise<User> {
    const user = await findInRealm(this.#orm.em, UserEntity, id, realmId);
    if (!user) throw notFound();
    return user;
  }

  /** {@link get} for a read that only presents the user: not managed by the request's EntityManager. */
  async read(realmId: string, id: string): Promise<Readonly<User>> {
    const user = await readInRealm(this.#orm.em, UserEntity, id, realmId);
    if (!user) throw notFound();
    return user;
  }

  /**
   * A user by id alone, for the users API by realm name whose paths carry no realm: within
   * `realmId` when given (a realm's own token), in any realm only for a master-realm token.
   */
  async getInScope(id: string, realmId: string | undefined): Promise<User> {
    const user = await this.#orm.em.findOne(UserEntity, realmId === undefined ? { id } : { id, realmId });
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  async create(realmId: string, input: CreateUserBody): Promise<User> {
    const email = normalizeEmail(input.email);
    const passwordHash =
      input.password_digest !== undefined
        ? importedDigest(input.password_algorithm ?? 'bcrypt', input.password_digest)
        : input.password === undefined
          ? null
          : await this.#hashChecked(realmId, input.password, email);
    const user = this.#orm.em.create(UserEntity, {
      id: newId(),
      realmId,
      email,
      username: input.username ?? null,
      name: input.name ?? null,
      givenName: input.given_name ?? null,
      familyName: input.family_name ?? null,
      passwordHash,
      isSuspended: input.is_suspended ?? false,
      emailVerified: input.email_verified ?? false,
    });
    await this.#flush();
    return user;
  }

  /**
   * `check` is the request's precondition (`If-Match`), judged under the row's lock. Suspending
   * (`is_suspended: true`) also ends the user's sessions and revokes their refresh tokens, in the
   * same transaction.
   */
  update(
    realmId: string,
    id: string,
    input: UpdateUserBody & { is_suspended?: boolean },
    check?: RowCheck,
  ): Promise<User> {
    return this.#write(
      realmId,
      id,
      check,
      (user) => {
        if (input.email !== undefined) {
          const email = normalizeEmail(input.email);
          if (email !== user.email) {
            user.email = email;
            user.emailVerified = false;
          }
        }
        if (input.email_verified !== undefined) user.emailVerified = input.email_verified;
        if (input.username !== undefined) user.username = input.username;
        if (input.name !== undefined) user.name = input.name;
        if (input.given_name !== undefined) user.givenName = input.given_name;
        if (input.family_name !== undefined) user.familyName = input.family_name;
        if (input.is_suspended !== undefined) user.isSuspended = input.is_suspended;
      },
      input.is_suspended === true,
    );
  }

  /** Its sessions, refresh tokens and the rest of its records go with it (foreign keys, on delete cascade). */
  async delete(realmId: string, id: string, check?: RowCheck): Promise<void> {
    await deleteRow(this.#orm.em, UserEntity, { id, realmId }, { check, notFound });
  }

  /**
   * Sets a password the realm's policy accepts (422 `validation_failed` otherwise, each problem a
   * detail). `field` names the body field in policy errors (`password`, or `newPassword` by realm name).
   * `verifiedEmail`: an address the user has just proven they read (a password reset link went
   * to it); the email becomes verified if it is still the user's. The user's sessions end and
   * their refresh tokens are revoked, in the same transaction: whoever knew the old password is
   * signed out.
   */
  async setPassword(
    realmId: string,
    id: string,
    password: string,
    options: { field?: string; check?: RowCheck | undefined; verifiedEmail?: string } = {},
  ): Promise<User> {
    const { email } = await this.get(realmId, id);
    const passwordHash = await this.#hashChecked(realmId, password, email, options.field);
    return this.#write(
      realmId,
      id,
      options.check,
      (user) => {
        user.passwordHash = passwordHash;
        if (options.verifiedEmail !== undefined && options.verifiedEmail === user.email) user.emailVerified = true;
      },
      true,
    );
  }

  /** Suspending also ends the user's sessions and revokes their refresh tokens, in the same transaction. */
  setSuspended(realmId: string, id: string, isSuspended: boolean, check?: RowCheck): Promise<User> {
    return this.#write(
      realmId,
      id,
      check,
      (user) => {
        user.isSuspended = isSuspended;
      },
      isSuspended,
    );
  }

  /** The user's live login sessions, newest first (404 for an unknown user). */
  async listSessions(realmId: string, id: string, query: PageQuery): Promise<Page<UserSessionRecord>> {
    await this.get(realmId, id);
    return this.#sessions.listOfUser(realmId, id, query);
  }

  /** Ends every session of the user and revokes every refresh token of the user (404 for an unknown user). */
  async endSessions(realmId: string, id: string): Promise<void> {
    await this.get(realmId, id);
    await this.#sessions.endAllOfUser(realmId, id);
  }

  /** Ends one live session of the user and revokes the refresh tokens issued under it (404 when there is none). */
  async endSession(realmId: string, id: string, sessionId: string): Promise<void> {
    await this.get(realmId, id);
    if (!(await this.#sessions.endOfUser(realmId, id, sessionId))) throw new NotFoundError('Session not found');
  }

  /**
   * The user if it exists and is not suspended, else `null`: whether a user's tokens still work, and
   * what their claims say. Plain SQL and no entity: every refresh and code exchange asks it.
   */
  async findActive(realmId: string, id: string): Promise<ActiveUser | null> {
    const row = (await this.#orm.em.getConnection().execute(
      `select id, email, username, name, given_name, family_name, email_verified, updated_at from users
          where id = ? and realm_id = ? and not is_suspended`,
      [id, realmId],
      'get',
    )) as ActiveUserRow | undefined;
    return row
      ? {
          id: row.id,
          email: row.email,
          username: row.username,
          name: row.name,
          givenName: row.given_name,
          familyName: row.family_name,
          emailVerified: row.email_verified,
          updatedAt: new Date(row.updated_at),
        }
      : null;
  }

  /**
   * The user whose email or username (case-insensitive) is `identifier`, or `null`: whom a login
   * form names. Plain SQL mapped to the entity: every sign-in asks it.
   */
  async findByLogin(realmId: string, identifier: string): Promise<User | null> {
    const key = identifier.trim().toLowerCase();
    // The expressions of the unique indexes users_realm_email_unique and users_realm_username_unique.
    const [row] = await runStatement<EntityDictionary<User>>(
      this.#orm,
      'select * from users where realm_id = ? and (lower(email) = ? or lower(username) = ?) limit 1',
      [realmId, key, key],
    );
    return row ? this.#orm.em.fork().map(UserEntity, row) : null;
  }

  /**
   * Whether `password` is the password of `user` ({@link findByLogin}'s answer in `realmId`). The
   * same work either way: no user, or a user without a password, is checked against a throwaway
   * hash, so that time does not tell whether the account exists. The answer tells the caller (never
   * the client) a wrong password for a user from no such user. Suspension is the caller's to judge.
   * A right password under an old hash is rehashed.
   */
  async checkCredentials(realmId: string, user: User | null, password: string): Promise<CredentialCheck> {
    const { valid, rehashed } = await this.#check(
      realmId,
      async () => user?.passwordHash ?? (await absentUserHash()),
      password,
    );
    if (!user) return { valid: false, user: null };
    if (!user.passwordHash || !valid) return { valid: false, user };
    if (rehashed) {
      await runStatement(this.#orm, 'update users set password_hash = ? where id = ? and realm_id = ?', [
        rehashed,
        user.id,
        user.realmId,
      ]);
      user.passwordHash = rehashed;
    }
    return { valid: true, user };
  }

  /** 204 or 422, as Logto's verify-password: the same answer for a wrong password and no password. */
  async verifyPassword(realmId: string, id: string, password: string): Promise<void> {
    const user = await this.get(realmId, id);
    const hash = user.passwordHash;
    const { valid, rehashed } = hash ? await this.#check(realmId, async () => hash, password) : { valid: false };
    if (!valid) throw new ApiError(422, 'The password is not correct', { code: 'invalid_credentials' });
    // An imported bcrypt hash (or argon2 with old parameters) becomes today's argon2id.
    if (rehashed) {
      user.passwordHash = rehashed;
      await this.#orm.em.flush();
    }
  }

  /**
   * One turn of the realm's password work: checks `password` against the hash, and on a match
   * under an old hash makes today's (in the same turn: a right password is never refused after
   * its check for want of a second turn).
   */
  #check(
    realmId: string,
    hashOf: () => Promise<string>,
    password: string,
  ): Promise<{ valid: boolean; rehashed?: string | undefined }> {
    return this.#passwordWork.run(realmId, async () => {
      const hash = await hashOf();
      if (!(await verifyPassword(hash, password))) return { valid: false };
      return { valid: true, rehashed: (await needsRehash(hash)) ? await hashPassword(password) : undefined };
    });
  }

  async listIdentities(realmId: string, id: string, query: ListQuery): Promise<Page<UserIdentity>> {
    await this.get(realmId, id);
    return paged(query, (window) =>
      this.#orm.em.findAndCount(
        UserIdentityEntity,
        { realmId, userId: id, ...searchFilter(query.search, ['provider', 'providerUserId']) },
        { orderBy: { id: 'asc' }, ...window },
      ),
    );
  }

  async listRoles(realmId: string, id: string, query: ListQuery): Promise<Page<Role>> {
    await this.get(realmId, id);
    return this.#roles.listAssigned('user', realmId, id, query);
  }

  async assignRoles(realmId: string, id: string, roleIds: readonly string[]): Promise<void> {
    await this.#roles.assign('user', realmId, id, roleIds, async (em) => {
      const user = await em.findOne(UserEntity, { id, realmId }, { lockMode: LockMode.PESSIMISTIC_READ });
      if (!user) throw new NotFoundError('User not found');
    });
  }

  async removeRole(realmId: string, id: string, roleId: string): Promise<void> {
    await this.get(realmId, id);
    await this.#roles.unassign('user', realmId, id, roleId);
  }

  /**
   * What the realm's password policy finds wrong with `password` for the user of `email`, each as an
   * error detail on `field`; empty when it would be accepted. Sets nothing: for a page that checks a
   * password before it sets it (setPassword checks again).
   */
  async passwordProblemsFor(
    realmId: string,
    password: string,
    email: string | undefined,
    field = 'password',
  ): Promise<ErrorDetail[]> {
    return passwordProblems(password, await this.#policy(realmId), email, field);
  }

  /** The realm's password policy. */
  async #policy(realmId: string): Promise<PasswordPolicy> {
    const realm = await this.#realms(realmId);
    if (!realm) throw new NotFoundError('Realm not found');
    return { minLength: realm.passwordMinLength, refuseBreached: realm.passwordRefuseBreached };
  }

  /**
   * Checks the realm's policy, then hashes in a turn of the realm's password work (outside any
   * transaction: argon2 takes tens of ms).
   */
  async #hashChecked(realmId: string, password: string, email: string, field = 'password'): Promise<string> {
    const problems = await this.passwordProblemsFor(realmId, password, email, field);
    if (problems.length > 0) throw new ValidationError('The password does not meet the policy', problems);
    return this.#passwordWork.run(realmId, () => hashPassword(password));
  }

  #flush(): Promise<void> {
    return withConflicts(CONFLICTS, () => this.#orm.em.flush());
  }

  /**
   * One change to one user, atomic with `check` (see {@link updateRow}); uniqueness answers 409.
   * `endSessions`: the user's sessions end and refresh tokens are revoked in the same transaction.
   */
  #write(
    realmId: string,
    id: string,
    check: RowCheck | undefined,
    change: (user: User) => void,
    endSessions = false,
  ): Promise<User> {
    return withConflicts(CONFLICTS, () =>
      updateRow(this.#orm.em, UserEntity, { id, realmId }, { check, notFound }, async (user, tx) => {
        change(user);
        if (endSessions) {
          const { sql, params } = this.#sessions.endAllOfUserStatement(realmId, id);
          await tx.execute(sql, params);
        }
      }),
    );
  }
}
