import type { EntityManager } from '@mikro-orm/postgresql';

/** An event the notifier gave up on; an operator fixes the cause and requeues it (docs/events.md). */
export interface DeadEvent {
  id: string;
  realmId: string;
  type: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

interface DeadEventRow {
  id: string;
  realm_id: string;
  type: string;
  attempts: number;
  last_error: string | null;
  created_at: Date | string;
}

/** Dead events, oldest first. */
export async function listDeadEvents(
  em: EntityManager,
  options: { limit?: number; realmId?: string | undefined } = {},
): Promise<DeadEvent[]> {
  const params: unknown[] = [];
  let realmFilter = '';
  if (options.realmId !== undefined) {
    realmFilter = 'and realm_id = ?';
    params.push(options.realmId);
  }
  params.push(options.limit ?? 100);
  const rows = await em.execute<DeadEventRow[]>(
    `select id, realm_id, type, attempts, last_error, created_at from outbox_events
      where status = 'dead' ${realmFilter}
      order by created_at, id
      limit ?::integer`,
    params,
  );
  return rows.map((row) => ({
    id: row.id,
    realmId: row.realm_id,
    type: row.type,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
  }));
}

/** The operator's view (`npm run notifier -- --dead`): one block per event. */
export function formatDeadEvents(events: readonly DeadEvent[]): string {
  if (events.length === 0) return 'No dead events.\n';
  const blocks = events.map((event) =>
    [
      `id:         ${event.id}`,
      `type:       ${event.type}`,
      `realm_id:   ${event.realmId}`,
      `attempts:   ${event.attempts}`,
      `created_at: ${event.createdAt.toISOString()}`,
      `last_error: ${(event.lastError ?? '').replace(/\s+/g, ' ').trim()}`,
    ].join('\n'),
  );
  return `${events.length} dead event(s):\n\n${blocks.join('\n\n')}\n\nRequeue (docs/events.md): update outbox_events set status = 'pending', attempts = 0, available_at = now() where id = '<id>';\n`;
}
