import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { RETENTION_FOREVER } from '../src/config/retention-config.ts';
import { runStatement } from '../src/db/statement.ts';
import { Pruner, pruneRules } from '../src/retention/pruner.ts';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

// Audit entries, outbox events and idempotency keys do not grow forever: the pruner deletes them
// past their retention (sessions.test.ts covers what expires by itself, and the advisory lock).

const DAY = 86_400_000;

let server: TestServer;
let realm: TestRealm;

beforeAll(async () => {
  ({ server, realm } = await startWithRealms('retention'));
});
afterAll(() => server?.close());

describe('retention settings', () => {
  it('default to a year of audit log, a week of delivered events, a month of dead ones', () => {
    expect(loadConfig({}).retention).toEqual({
      auditLogSeconds: 365 * 86_400,
      outboxDoneSeconds: 7 * 86_400,
      outboxDeadSeconds: 30 * 86_400,
    });
  });

  it('take durations, and `off` or `0` to keep forever; anything else is a configuration error naming the variable', () => {
    expect(
      loadConfig({
        REALMKIT_AUDIT_LOG_RETENTION: '90d',
        REALMKIT_OUTBOX_RETENTION: '36h',
        REALMKIT_OUTBOX_DEAD_RETENTION: 'off',
      }).retention,
    ).toEqual({ auditLogSeconds: 90 * 86_400, outboxDoneSeconds: 36 * 3600, outboxDeadSeconds: undefined });
    expect(loadConfig({ REALMKIT_AUDIT_LOG_RETENTION: '0' }).retention.auditLogSeconds).toBeUndefined();
    for (const value of ['-1d', '90', '1y', '1.5d', 'forever']) {
      expect(() => loadConfig({ REALMKIT_AUDIT_LOG_RETENTION: value })).toThrow(ConfigError);
      expect(() => loadConfig({ REALMKIT_AUDIT_LOG_RETENTION: value })).toThrow(
        /REALMKIT_AUDIT_LOG_RETENTION: must be/,
      );
    }
  });
});

describe('pruning past retention', () => {
  /** Rows of this realm, each older or younger than its retention; their ids by what should happen to them. */
  async function seed(now: number) {
    const orm = server.services.orm;
    const ids = { pruned: [] as string[], kept: [] as string[] };
    const ago = (days: number) => new Date(now - days * DAY);
    const audit = async (createdAt: Date) => {
      const id = randomUUID();
      await runStatement(
        orm,
        `insert into audit_logs (id, realm_id, action, actor_client_id, actor_realm_id, actor_realm_name, target_type,
           request_id, method, path, status, created_at)
         values (?, ?, 'user.created', 'c', ?, ?, 'user', 'r', 'POST', '/x', 201, ?)`,
        [id, realm.id, realm.id, realm.name, createdAt],
      );
      return id;
    };
    const event = async (status: string, createdAt: Date, processedAt: Date | null) => {
      const id = randomUUID();
      await runStatement(
        orm,
        `insert into outbox_events (id, realm_id, type, payload, status, created_at, processed_at)
         values (?, ?, 'user.verify_email_requested', '{}', ?, ?, ?)`,
        [id, realm.id, status, createdAt, processedAt],
      );
      return id;
    };
    const idempotencyKey = async (expiresAt: Date) => {
      const key = randomUUID();
      await runStatement(
        orm,
        `insert into idempotency_keys (realm_id, client_id, key, fingerprint, expires_at, created_at)
         values (?, 'c', ?, 'f', ?, ?)`,
        [realm.id, key, expiresAt, ago(2)],
      );
      return key;
    };
    ids.pruned.push(await audit(ago(366)));
    ids.kept.push(await audit(ago(364)));
    ids.pruned.push(await event('done', ago(9), ago(8)));
    ids.kept.push(await event('done', ago(9), ago(6))); // delivered late: counted from its delivery
    ids.pruned.push(await event('dead', ago(31), null));
    ids.kept.push(await event('dead', ago(29), null));
    // Not delivered yet, however old: never pruned.
    ids.kept.push(await event('pending', ago(400), null), await event('processing', ago(400), null));
    ids.pruned.push(await idempotencyKey(ago(1)));
    ids.kept.push(await idempotencyKey(new Date(now + DAY)));
    return ids;
  }

  async function remaining(ids: string[]): Promise<string[]> {
    const list = `{${ids.join(',')}}`;
    const rows = await runStatement<{ id: string }>(
      server.services.orm,
      `select id from audit_logs where id = any(?::uuid[]) union all select id from outbox_events where id = any(?::uuid[])
       union all select key::uuid from idempotency_keys where realm_id = ? and key = any(?::text[])`,
      [list, list, realm.id, list],
    );
    return rows.map((row) => row.id).sort();
  }

  const defaults = () => loadConfig({}).retention;

  it('deletes audit entries and delivered or dead events past their retention, and expired idempotency keys, in batches', async () => {
    const now = Date.now();
    const ids = await seed(now);
    const pruner = new Pruner(server.services.orm, () => now, {
      realmId: realm.id,
      rules: pruneRules(defaults()),
      batchSize: 1,
    });
    const result = await pruner.prune();
    expect(result.ran).toBe(true);
    expect(result.deleted).toMatchObject({ audit_logs: 1, outbox_events: 2, idempotency_keys: 1 });
    expect(await remaining(ids.pruned)).toEqual([]);
    expect(await remaining(ids.kept)).toEqual([...ids.kept].sort());
    expect((await pruner.prune()).deleted).toMatchObject({ audit_logs: 0, outbox_events: 0, idempotency_keys: 0 });
  });

  it('keeps audit entries and events forever when their retention is off', async () => {
    const now = Date.now();
    const ids = await seed(now);
    const result = await new Pruner(server.services.orm, () => now, {
      realmId: realm.id,
      rules: pruneRules(RETENTION_FOREVER),
    }).prune();
    expect(result.deleted).not.toHaveProperty('audit_logs');
    expect(result.deleted).not.toHaveProperty('outbox_events');
    expect(result.deleted.idempotency_keys).toBe(1);
    const kept = ids.pruned.slice(0, 3); // the old audit entry, the old delivered and dead events
    expect(await remaining(kept)).toEqual([...kept].sort());
  });
});
