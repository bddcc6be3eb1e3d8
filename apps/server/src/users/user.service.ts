import type { CreateUserBody, ListQuery, UpdateUserBody } from '@realmkit/contract';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { containsPattern, pageMeta, pageWindow } from '../db/pagination.ts';
import { violatedConstraint } from '../db/unique-violation.ts';
import { ConflictError, NotFoundError, ValidationError } from '../http/api-error.ts';
import { hashPassword, passwordProblems } from './password.ts';
import { type User, UserEntity, UserIdentityEntity } from './user.entity.ts';

const CONFLICTS: Record<string, { path: string; message: string }> = {
  users_realm_email_unique: { path: 'email', message: 'A user with this email already exists in this realm' },
  users_realm_username_unique: { path: 'username', message: 'A user with this username already exists in this realm' },
};

/** Emails compare case-insensitively; stored lower-cased, as Keycloak and Auth0 do. */
function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Users of a realm. Every query is filtered by `realmId`. */
export class UserService {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  async list(realmId: string, query: ListQuery) {
    const pattern = query.search ? containsPattern(query.search) : undefined;
    const where = pattern
      ? {
          realmId,
          $or: [{ email: { $ilike: pattern } }, { username: { $ilike: pattern } }, { name: { $ilike: pattern } }],
        }
      : { realmId };
    const [users, total] = await this.#orm.em.findAndCount(UserEntity, where, {
      orderBy: { id: 'desc' },
      ...pageWindow(query),
    });
    return { users, meta: pageMeta(query, total) };
  }

  async get(realmId: string, id: string): Promise<User> {
    const user = await this.#orm.em.findOne(UserEntity, { id, realmId });
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  async create(realmId: string, input: CreateUserBody): Promise<User> {
    const email = normalizeEmail(input.email);
    const passwordHash = input.password === undefined ? null : await this.#hashChecked(input.password, email);
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

  async update(realmId: string, id: string, input: UpdateUserBody): Promise<User> {
    const user = await this.get(realmId, id);
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
    await this.#flush();
    return user;
  }

  async delete(realmId: string, id: string): Promise<void> {
    const deleted = await this.#orm.em.nativeDelete(UserEntity, { id, realmId });
    if (deleted === 0) throw new NotFoundError('User not found');
  }

  async setPassword(realmId: string, id: string, password: string): Promise<User> {
    const user = await this.get(realmId, id);
    user.passwordHash = await this.#hashChecked(password, user.email);
    await this.#flush();
    return user;
  }

  async setSuspended(realmId: string, id: string, isSuspended: boolean): Promise<User> {
    const user = await this.get(realmId, id);
    user.isSuspended = isSuspended;
    await this.#flush();
    return user;
  }

  async listIdentities(realmId: string, id: string, query: Pick<ListQuery, 'page' | 'per_page'>) {
    await this.get(realmId, id);
    const [identities, total] = await this.#orm.em.findAndCount(
      UserIdentityEntity,
      { realmId, userId: id },
      { orderBy: { id: 'asc' }, ...pageWindow(query) },
    );
    return { identities, meta: pageMeta(query, total) };
  }

  /** Checks the policy, then hashes (outside any transaction: argon2 takes tens of ms). */
  async #hashChecked(password: string, email: string): Promise<string> {
    const problems = passwordProblems(password, email);
    if (problems.length > 0) throw new ValidationError('The password does not meet the policy', problems);
    return hashPassword(password);
  }

  async #flush(): Promise<void> {
    try {
      await this.#orm.em.flush();
    } catch (error) {
      const conflict = CONFLICTS[violatedConstraint(error) ?? ''];
      if (conflict) throw new ConflictError(conflict.message, [conflict]);
      throw error;
    }
  }
}
