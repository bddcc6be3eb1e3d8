import { describe, expect, it, vi } from 'vitest';
import { passwordWorkLimits } from '../src/config/password-work-config.ts';
import type { Orm } from '../src/db/orm.ts';
import type { RoleService } from '../src/roles/role.service.ts';
import * as password from '../src/users/password.ts';
import { PasswordWork } from '../src/users/password-work.ts';
import { UserService, type UserSessions } from '../src/users/user.service.ts';

vi.mock('../src/users/password.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/users/password.ts')>();
  return { ...original, verifyPassword: vi.fn(original.verifyPassword) };
});

/** A user service over a database that holds one row, or none, for any lookup. */
function usersWith(row: object | null): UserService {
  const connection = {
    execute: async () => ({ version: 'PostgreSQL 18.6 (PGlite 0.5.14)' }),
    getClient: () => ({ executeQuery: async () => ({ rows: row ? [row] : [] }) }),
  };
  const em = {
    getConnection: () => connection,
    getPlatform: () => ({ formatQuery: (sql: string) => sql }),
    map: (_entity: unknown, data: object) => ({ ...data }),
    flush: async () => undefined,
  };
  const orm = { em: { ...em, fork: () => em } } as unknown as Orm;
  return new UserService(
    orm,
    {} as RoleService,
    async () => null,
    {} as UserSessions,
    new PasswordWork(passwordWorkLimits()),
  );
}

/**
 * A failed sign-in costs the same whether or not the account exists: one argon2id verification
 * each time (the time itself is not asserted: tests never time). Checked by counting them.
 */
describe('checkCredentials', () => {
  it('runs one argon2id verification for an unknown account, an account without a password, and a wrong password', async () => {
    const verify = vi.mocked(password.verifyPassword);
    const hash = await password.hashPassword('the right password');
    const cases: [string, object | null][] = [
      ['unknown account', null],
      ['no password', { id: 'u1', passwordHash: null }],
      ['wrong password', { id: 'u2', passwordHash: hash }],
    ];
    for (const [name, row] of cases) {
      verify.mockClear();
      const users = usersWith(row);
      const named = await users.findByLogin('realm', 'ada@example.com');
      expect(await users.checkCredentials('realm', named, 'a wrong password'), name).toEqual({
        valid: false,
        user: row ? expect.objectContaining({ id: (row as { id: string }).id }) : null,
      });
      expect(verify, name).toHaveBeenCalledTimes(1);
      expect(verify.mock.calls[0]?.[0], name).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    }
    verify.mockClear();
    const users = usersWith({ id: 'u3', passwordHash: hash });
    expect(
      await users.checkCredentials('realm', await users.findByLogin('realm', 'ada'), 'the right password'),
    ).toEqual({
      valid: true,
      user: expect.objectContaining({ id: 'u3' }),
    });
    expect(verify).toHaveBeenCalledTimes(1);
  });
});
