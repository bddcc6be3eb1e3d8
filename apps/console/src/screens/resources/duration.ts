import { MAX_ACCESS_TOKEN_TTL, MIN_ACCESS_TOKEN_TTL } from '@realmkit/contract';

const UNITS = [
  { seconds: 86_400, name: 'day' },
  { seconds: 3_600, name: 'hour' },
  { seconds: 60, name: 'minute' },
  { seconds: 1, name: 'second' },
] as const;

/** "1 hour 30 minutes" for 5400: a token lifetime in words (the API counts seconds). */
export function describeSeconds(total: number): string {
  if (!Number.isFinite(total) || total <= 0) return `${total} seconds`;
  const parts: string[] = [];
  let rest = Math.floor(total);
  for (const unit of UNITS) {
    const count = Math.floor(rest / unit.seconds);
    if (count > 0) parts.push(`${count} ${unit.name}${count === 1 ? '' : 's'}`);
    rest -= count * unit.seconds;
  }
  return parts.join(' ');
}

/** The token lifetime field's hint, from the contract's bounds. */
export const TTL_HINT = `In seconds, ${MIN_ACCESS_TOKEN_TTL} (${describeSeconds(MIN_ACCESS_TOKEN_TTL)}) to ${MAX_ACCESS_TOKEN_TTL} (${describeSeconds(MAX_ACCESS_TOKEN_TTL)}).`;
