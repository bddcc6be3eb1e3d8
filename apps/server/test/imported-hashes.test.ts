import { IMPORTED_HASH_LIMITS } from '@realmkit/contract';
import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStatement } from '../src/db/statement.ts';
import { withinCostLimits } from '../src/users/password.ts';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

/**
 * Imported password hashes carry their own cost, which every check pays (issue 23, finding 1): a
 * client with `users:write` must not be able to import one that pins a CPU for days
 * (bcrypt `$2b$31$`) or takes a gigabyte (argon2id `m=1048576`), and one stored before the bounds
 * is never run.
 */
let server: TestServer;
let admin: string;
let realm: TestRealm;

beforeAll(async () => {
  ({ server, admin, realm } = await startWithRealms('imported-hashes'));
});
afterAll(() => server?.close());

const users = () => `/api/v1/${realm.name}/users`;
let count = 0;
const nextEmail = () => `imported-${++count}@example.com`;

const SALT_AND_HASH = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0';
const OVER_LIMIT = {
  bcrypt: `$2b$31$${SALT_AND_HASH}`,
  memory: '$argon2id$v=19$m=1048576,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
  time: '$argon2id$v=19$m=19456,t=150,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
};

describe('imported password hashes: their cost is bounded', () => {
  it('refuses at import a bcrypt cost of 31, an argon2id memory of 1 GiB and a time of 150 (422)', async () => {
    for (const [algorithm, digest] of [
      ['bcrypt', OVER_LIMIT.bcrypt],
      ['argon2id', OVER_LIMIT.memory],
      ['argon2id', OVER_LIMIT.time],
    ] as const) {
      const answer = await server.call('POST', users(), {
        token: admin,
        json: { email: nextEmail(), password_digest: digest, password_algorithm: algorithm },
      });
      expect(answer.status, digest).toBe(422);
      expect(answer.body.details).toEqual([
        { path: 'password_digest', message: expect.stringMatching(/must be at most/) },
      ]);
    }
  });

  it('accepts hashes at the bounds, and the password checks', async () => {
    const atLimit = bcrypt.hashSync('imported-password', 4);
    const user = await server.expectCall(201, 'POST', users(), {
      token: admin,
      json: { email: nextEmail(), password_digest: atLimit, password_algorithm: 'bcrypt' },
    });
    await server.expectCall(204, 'POST', `${users()}/${user.id}/password/verify`, {
      token: admin,
      json: { password: 'imported-password' },
    });
    const limits = IMPORTED_HASH_LIMITS;
    expect(withinCostLimits(`$2b$${limits.bcryptMaxCost}$${SALT_AND_HASH}`)).toBe(true);
    expect(withinCostLimits(`$2b$${limits.bcryptMaxCost + 1}$${SALT_AND_HASH}`)).toBe(false);
    const argon = (m: number, t: number, p: number) => `$argon2id$v=19$m=${m},t=${t},p=${p}$c2FsdHNhbHQ$aGFzaA`;
    expect(
      withinCostLimits(argon(limits.argon2idMaxMemoryKiB, limits.argon2idMaxTimeCost, limits.argon2idMaxParallelism)),
    ).toBe(true);
    expect(withinCostLimits(argon(limits.argon2idMaxMemoryKiB + 1, 2, 1))).toBe(false);
    expect(withinCostLimits(argon(19_456, 2, limits.argon2idMaxParallelism + 1))).toBe(false);
  });

  it("checks PHP's `$2y$` and the older `$2a$` hashes as `$2b$` ones", async () => {
    const digest = bcrypt.hashSync('imported-password', 4);
    for (const prefix of ['$2y$', '$2a$']) {
      const user = await server.expectCall(201, 'POST', users(), {
        token: admin,
        json: { email: nextEmail(), password_digest: digest.replace(/^\$2b\$/, prefix), password_algorithm: 'bcrypt' },
      });
      const wrong = await server.call('POST', `${users()}/${user.id}/password/verify`, {
        token: admin,
        json: { password: 'not-the-password' },
      });
      expect(wrong.status, prefix).toBe(422);
      await server.expectCall(204, 'POST', `${users()}/${user.id}/password/verify`, {
        token: admin,
        json: { password: 'imported-password' },
      });
    }
  });

  it('never runs a hash over the bounds stored before them: the check answers wrong at once', async () => {
    for (const digest of Object.values(OVER_LIMIT)) {
      const user = await server.expectCall(201, 'POST', users(), {
        token: admin,
        json: { email: nextEmail(), password: 'a password to replace' },
      });
      // As a row imported before the bounds were enforced.
      await runStatement(server.services.orm, 'update users set password_hash = ? where id = ?', [digest, user.id]);
      const answer = await server.call('POST', `${users()}/${user.id}/password/verify`, {
        token: admin,
        json: { password: 'whatever it was' },
      });
      expect(answer.status, digest).toBe(422);
      expect(answer.body.error).toBe('invalid_credentials');
    }
  });
});
