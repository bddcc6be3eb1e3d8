import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../../src/db/ids.ts';
import type { Orm } from '../../src/db/orm.ts';
import { VERIFY_EMAIL_REQUESTED, type VerifyEmailRequestedPayload } from '../../src/events/event-types.ts';
import { addOutboxEvent } from '../../src/events/outbox.ts';
import { EmailVerificationEntity } from '../../src/users/email-verification.entity.ts';

export interface OutboxRow {
  id: string;
  status: 'pending' | 'processing' | 'done' | 'dead';
  attempts: number;
  available_at: Date;
  locked_until: Date | null;
  completed_handlers: string[];
  last_error: string | null;
  processed_at: Date | null;
}

/**
 * What the API does on "send verification email": a verification row and its
 * `user.verify_email_requested` event, committed together. Returns the event's id and payload.
 */
export async function addVerifyEmailEvent(
  orm: Orm,
  realm: { id: string; name: string },
  user: { id: string; email: string },
): Promise<{ eventId: string; payload: VerifyEmailRequestedPayload }> {
  const verificationId = newId();
  const expiresAt = new Date(Date.now() + 24 * 3600_000);
  const payload: VerifyEmailRequestedPayload = {
    userId: user.id,
    verificationId,
    email: user.email,
    realmName: realm.name,
    expiresAt: expiresAt.toISOString(),
  };
  await orm.em.fork().transactional(async (em) => {
    em.create(EmailVerificationEntity, {
      id: verificationId,
      realmId: realm.id,
      userId: user.id,
      email: user.email,
      expiresAt,
    });
    addOutboxEvent(em as EntityManager, realm.id, VERIFY_EMAIL_REQUESTED, payload);
  });
  const [row] = await orm.em
    .fork()
    .execute<{ id: string }[]>("select id from outbox_events where realm_id = ? and payload->>'verificationId' = ?", [
      realm.id,
      verificationId,
    ]);
  return { eventId: row!.id, payload };
}

/** The outbox rows of `ids` (or of the whole realm), by id. */
export async function outboxRows(orm: Orm, realmId: string, ids?: readonly string[]): Promise<Map<string, OutboxRow>> {
  const rows = await orm.em
    .fork()
    .execute<OutboxRow[]>(
      'select id, status, attempts, available_at, locked_until, completed_handlers, last_error, processed_at from outbox_events where realm_id = ?',
      [realmId],
    );
  return new Map(rows.filter((row) => !ids || ids.includes(row.id)).map((row) => [row.id, row]));
}

export async function outboxRow(orm: Orm, realmId: string, id: string): Promise<OutboxRow> {
  const row = (await outboxRows(orm, realmId, [id])).get(id);
  if (!row) throw new Error(`no outbox event ${id}`);
  return row;
}

/** Polls `check` until it returns a value other than `undefined`/`false`; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export { capturingLogger } from './capturing-logger.ts';
