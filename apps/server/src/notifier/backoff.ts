export interface BackoffOptions {
  /** Delay after the first failure. */
  baseMs: number;
  /** No delay is longer. */
  maxMs: number;
}

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed: `baseMs`
 * doubled per attempt, capped at `maxMs`, plus up to 10% jitter so that events failing
 * together (the SMTP server was down) do not all come back in the same instant.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponential = options.baseMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(options.maxMs, exponential);
  return Math.round(capped * (1 + 0.1 * random()));
}
