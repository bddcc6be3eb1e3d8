/** An outbox event that this notifier holds (status `processing`) until its lease ends. */
export interface ClaimedEvent {
  id: string;
  realmId: string;
  type: string;
  payload: Record<string, unknown>;
  /** Claims so far, this one included; also the fencing token of this claim. */
  attempts: number;
  /** Handlers that succeeded in an earlier attempt and are not run again. */
  completedHandlers: string[];
  lastError: string | null;
  createdAt: Date;
}

export interface ClaimedEventRow {
  id: string;
  realm_id: string;
  type: string;
  payload: Record<string, unknown> | string;
  attempts: number;
  completed_handlers: string[] | string;
  last_error: string | null;
  created_at: Date | string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

export function toClaimedEvent(row: ClaimedEventRow): ClaimedEvent {
  return {
    id: row.id,
    realmId: row.realm_id,
    type: row.type,
    payload: json(row.payload),
    attempts: Number(row.attempts),
    completedHandlers: json(row.completed_handlers),
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
  };
}
