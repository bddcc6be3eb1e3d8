/**
 * How long the pruner keeps rows that record what happened, rather than rows that expire by
 * themselves (sessions, codes, tokens: retention/pruner.ts). `undefined`: kept forever.
 */
export interface RetentionConfig {
  /** Audit log entries, from their creation (`REALMKIT_AUDIT_LOG_RETENTION`). */
  readonly auditLogSeconds: number | undefined;
  /** Outbox events delivered (`done`), from their delivery (`REALMKIT_OUTBOX_RETENTION`). */
  readonly outboxDoneSeconds: number | undefined;
  /** Outbox events given up on (`dead`), from their creation (`REALMKIT_OUTBOX_DEAD_RETENTION`). */
  readonly outboxDeadSeconds: number | undefined;
}

/**
 * A year of audit log, as PCI DSS asks of audit trails (10.5.1); a week of delivered events, to
 * answer "was the email sent?" across a weekend; a month for dead ones, which wait for an
 * operator to fix their cause and requeue them (docs/events.md). Decision 0031.
 */
export const DEFAULT_RETENTION = {
  REALMKIT_AUDIT_LOG_RETENTION: '365d',
  REALMKIT_OUTBOX_RETENTION: '7d',
  REALMKIT_OUTBOX_DEAD_RETENTION: '30d',
} as const;

/** `off` or `0` (keep forever), or a duration: `90d`, `36h`, `30m`, `3600s`. */
export const RETENTION_FORMAT = /^(?:off|0|[1-9]\d{0,5}[smhd])$/;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Seconds of a {@link RETENTION_FORMAT} value (checked before); `off` and `0` are `undefined`. */
export function parseRetention(value: string): number | undefined {
  if (value === 'off' || value === '0') return undefined;
  return Number(value.slice(0, -1)) * UNIT_SECONDS[value.slice(-1) as keyof typeof UNIT_SECONDS];
}

/** Nothing pruned but what expires by itself: tests, which share one database. */
export const RETENTION_FOREVER: RetentionConfig = {
  auditLogSeconds: undefined,
  outboxDoneSeconds: undefined,
  outboxDeadSeconds: undefined,
};
