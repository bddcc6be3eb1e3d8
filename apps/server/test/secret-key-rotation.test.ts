import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretKeyMismatchError } from '../src/bootstrap/bootstrap.ts';
import { loadConfig } from '../src/config/config.ts';
import { RATE_LIMITS_OFF } from '../src/config/rate-limit-config.ts';
import { SecretKey } from '../src/crypto/secret-key.ts';
import { createLogger } from '../src/http/logger.ts';
import { startServer } from '../src/server.ts';
import { signLinkToken } from '../src/users/signed-link.ts';
import { TEST_BOOTSTRAP_CLIENT, TEST_ISSUER_URL } from './support/constants.ts';
import { type FreshDatabase, freshDatabase } from './support/fresh-database.ts';
import { runRealmkit } from './support/realmkit-process.ts';
import { type ClientCredentials, TestServer } from './support/test-server.ts';

// `REALMKIT_SECRET_KEY` rotated on a database of its own: data made under key 1, a restart with
// key 2 and key 1 as previous, `realmkit rotate-secret-key`, then a restart with key 2 alone.

const KEY_1 = Buffer.alloc(32, 11).toString('base64');
const KEY_2 = Buffer.alloc(32, 12).toString('base64');
const KEY_3 = Buffer.alloc(32, 13).toString('base64');
const id = (key: string) => SecretKey.fromBase64(key).id;

let database: FreshDatabase;
let dataDir: string;

beforeAll(async () => {
  database = await freshDatabase('keyring');
  dataDir = await mkdtemp(path.join(tmpdir(), 'realmkit-keyring-'));
});
afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The environment of a server or a command on this file's database, with these keys. */
function envWith(current: string, previous?: string): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    REALMKIT_DATA_DIR: dataDir,
    REALMKIT_SECRET_KEY: current,
    ...(previous ? { REALMKIT_SECRET_KEY_PREVIOUS: previous } : {}),
  };
}

async function start(current: string, previous?: string): Promise<TestServer> {
  const running = await startServer(
    {
      ...loadConfig(envWith(current, previous)),
      port: 0,
      issuerUrl: TEST_ISSUER_URL,
      bootstrapClientId: TEST_BOOTSTRAP_CLIENT.clientId,
      bootstrapClientSecret: TEST_BOOTSTRAP_CLIENT.clientSecret,
      notifier: 'off',
      rateLimits: RATE_LIMITS_OFF,
      loginGuessing: undefined,
      pruneIntervalSeconds: 0,
    },
    createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
  );
  return new TestServer(running);
}

async function tokenStatus(server: TestServer, realm: string, client: ClientCredentials): Promise<number> {
  const response = await server.call('POST', `/oauth2/${realm}/token`, {
    form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret },
  });
  return response.status;
}

async function sql<T>(server: TestServer, query: string, params: unknown[] = []): Promise<T[]> {
  return server.services.orm.em.fork().execute<T[]>(query, params);
}

describe('rotating REALMKIT_SECRET_KEY', () => {
  it('old data keeps working under key 2 with key 1 as previous; after rotate-secret-key, under key 2 alone', async () => {
    // --- Key 1: a realm (its signing key sealed), clients, a kept idempotent response, an emailed link.
    const one = await start(KEY_1);
    let admin = await one.masterToken();
    const realm = await one.createRealm(admin, 'rot');
    const used = await one.createRealmClient(realm.name, ['users:read']);
    const unused = await one.createRealmClient(realm.name, ['users:read']);
    const api = `/api/v1/${realm.name}`;
    const create = (server: TestServer, key: string, name: string, token: string) =>
      server.call('POST', `${api}/applications`, {
        token,
        json: { name, type: 'm2m' },
        headers: { 'idempotency-key': key },
      });
    const first = await create(one, 'key-one', 'made under key 1', admin);
    expect(first.status).toBe(201);
    const links: string[] = [];
    for (const name of ['ada', 'bob']) {
      const user = await one.expectCall(201, 'POST', `${api}/users`, {
        token: admin,
        json: { email: `${name}@example.com` },
      });
      await one.expectCall(202, 'POST', `${api}/users/${user.id}/send-verify-email`, { token: admin });
      const [row] = await sql<{ id: string; expires_at: Date }>(
        one,
        'select id, expires_at from email_verifications where user_id = ?',
        [user.id],
      );
      // What the notifier emailed under key 1.
      const key = SecretKey.fromBase64(KEY_1).emailVerificationKey;
      links.push(
        `/verify-email?token=${encodeURIComponent(signLinkToken(key, row?.id ?? '', new Date(row?.expires_at ?? 0)))}`,
      );
    }
    await one.close();

    // --- A previous key that is not key 1: refused, at start and by the command (exit 3, one line).
    await expect(start(KEY_2, KEY_3)).rejects.toBeInstanceOf(SecretKeyMismatchError);
    const wrong = await runRealmkit(['rotate-secret-key'], envWith(KEY_2, KEY_3));
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain(`needs key ${id(KEY_1)}`);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);

    // --- Key 2, key 1 previous: everything made under key 1 works; new things use key 2.
    const two = await start(KEY_2, KEY_1);
    admin = await two.masterToken();
    const etag = async () =>
      (await two.call('GET', `${api}/applications/${used.applicationId}`, { token: admin })).headers.get('etag');
    const etagBefore = await etag();
    expect(await tokenStatus(two, realm.name, used)).toBe(200); // signed with the key sealed under key 1
    const [rehashed] = await sql<{ client_secret_key_id: string }>(
      two,
      'select client_secret_key_id from applications where id = ?',
      [used.applicationId],
    );
    expect(rehashed?.client_secret_key_id).toBe(id(KEY_2));
    expect(await etag()).toBe(etagBefore); // re-hashing changes nothing a client sees
    expect(await tokenStatus(two, realm.name, used)).toBe(200);
    const replay = await create(two, 'key-one', 'made under key 1', admin);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.data.client_secret).toBe(first.body.data.client_secret);
    expect((await two.call('GET', links[0] as string)).status).toBe(200);
    const second = await create(two, 'key-two', 'made under key 2', admin);
    expect(second.status).toBe(201);
    const newRealm = await two.createRealm(admin, 'rot-new');
    const [sealed] = await sql<{ private_key_sealed: string }>(
      two,
      'select private_key_sealed from signing_keys where realm_id = ?',
      [newRealm.id],
    );
    expect(sealed?.private_key_sealed.startsWith(`v2.${id(KEY_2)}.`)).toBe(true);
    await two.close();

    // --- The command: seals everything again with key 2, and names what still needs key 1.
    const rotated = await runRealmkit(['rotate-secret-key'], envWith(KEY_2, KEY_1));
    expect(rotated.stderr).toBe('');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(
      new RegExp(`Sealed again with key ${id(KEY_2)}: signing keys: [1-9]\\d*, kept Idempotency-Key responses: 1\\.`),
    );
    expect(rotated.stdout).toContain(`client_id ${unused.clientId}`);
    expect(rotated.stdout).not.toContain(`client_id ${used.clientId}`);
    expect(rotated.stdout).toContain('1 Idempotency-Key(s)');
    const check = await runRealmkit(['rotate-secret-key', '--check', '--json'], envWith(KEY_2, KEY_1));
    expect(check.code).toBe(0);
    const report = JSON.parse(check.stdout);
    expect(report.still_sealed_with_another_key).toEqual({ 'signing keys': 0, 'kept Idempotency-Key responses': 0 });
    expect(report.other_recorded_key_ids).toEqual([]);
    // The client never used since, and the application the idempotent POST made under key 1: never used either.
    const neverUsed = [
      { id: unused.applicationId, clientId: unused.clientId },
      { id: first.body.data.id as string, clientId: first.body.data.client_id as string },
    ].sort((a, b) => (a.clientId < b.clientId ? -1 : 1));
    expect(report.client_secrets_on_another_key).toEqual(
      neverUsed.map((app) => ({
        realm: realm.name,
        application_id: app.id,
        client_id: app.clientId,
        slot: 'current',
        key_id: id(KEY_1),
      })),
    );

    // --- Key 1 alone no longer opens this database; key 2 alone does, and all but what the command named works.
    await expect(start(KEY_1)).rejects.toBeInstanceOf(SecretKeyMismatchError);
    const three = await start(KEY_2);
    try {
      admin = await three.masterToken();
      expect(await tokenStatus(three, realm.name, used)).toBe(200);
      expect(
        await tokenStatus(three, newRealm.name, await three.createRealmClient(newRealm.name, ['users:read'])),
      ).toBe(200);
      const replayTwo = await create(three, 'key-two', 'made under key 2', admin);
      expect(replayTwo.headers.get('idempotent-replayed')).toBe('true');
      expect(replayTwo.body.data.client_secret).toBe(second.body.data.client_secret);
      // What the command reported: the secret never used since, the key fingerprinted under key 1, links signed with it.
      expect(await tokenStatus(three, realm.name, unused)).toBe(401);
      const replayOne = await create(three, 'key-one', 'made under key 1', admin);
      expect(replayOne.status).toBe(422);
      expect(replayOne.body.error).toBe('idempotency_key_reused');
      expect((await three.call('GET', links[1] as string)).status).toBe(400);
    } finally {
      await three.close();
    }
  });
});

describe('REALMKIT_SECRET_KEY_PREVIOUS', () => {
  it('refuses a malformed key with exit 3 and one line naming its position, never its value', async () => {
    const run = await runRealmkit(['migrate'], {
      REALMKIT_DATA_DIR: dataDir,
      REALMKIT_SECRET_KEY: KEY_2,
      REALMKIT_SECRET_KEY_PREVIOUS: `${KEY_1}, c2hvcnQ=`,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('REALMKIT_SECRET_KEY_PREVIOUS: key 2 of 2 must be base64 of at least 32 random bytes');
    expect(run.stderr).not.toContain('c2hvcnQ');
    expect(run.stderr).not.toContain('    at ');
  });
});
