/** A quota: `points` requests per fixed window of `durationSeconds`. */
export interface RateLimit {
  readonly points: number;
  readonly durationSeconds: number;
}

/** Each limit, or `undefined` when it is off. */
export interface RateLimitsConfig {
  /** Token requests per claimed `client_id` (`REALMKIT_RATE_LIMIT_TOKEN_PER_CLIENT`). */
  readonly tokenPerClient: RateLimit | undefined;
  /** Token requests per client IP address (`REALMKIT_RATE_LIMIT_TOKEN_PER_IP`). */
  readonly tokenPerIp: RateLimit | undefined;
  /** Management API requests per token client (`REALMKIT_RATE_LIMIT_MANAGEMENT_PER_CLIENT`). */
  readonly managementPerClient: RateLimit | undefined;
  /** Login form posts per realm and typed identifier (`REALMKIT_RATE_LIMIT_LOGIN_PER_ACCOUNT`). */
  readonly loginPerAccount: RateLimit | undefined;
  /** Login form posts per client IP address (`REALMKIT_RATE_LIMIT_LOGIN_PER_IP`). */
  readonly loginPerIp: RateLimit | undefined;
}

/**
 * Defaults after Auth0's published limits: 30 token requests a second (burst 30) per client,
 * and tens of Management API requests a second. The per-IP limit is wider than the per-client
 * one so that several clients behind one NAT or proxy each keep their own budget.
 */
export const DEFAULT_RATE_LIMITS = {
  REALMKIT_RATE_LIMIT_TOKEN_PER_CLIENT: '30/s',
  REALMKIT_RATE_LIMIT_TOKEN_PER_IP: '100/s',
  REALMKIT_RATE_LIMIT_MANAGEMENT_PER_CLIENT: '50/s',
  // Ten tries a minute at one account is more than a person types; an office behind one NAT signs in
  // many people, hence the wider per-IP limit (Auth0's brute-force protection counts 10 per account and IP).
  REALMKIT_RATE_LIMIT_LOGIN_PER_ACCOUNT: '10/m',
  REALMKIT_RATE_LIMIT_LOGIN_PER_IP: '100/m',
} as const;

export const RATE_LIMITS_OFF: RateLimitsConfig = {
  tokenPerClient: undefined,
  tokenPerIp: undefined,
  managementPerClient: undefined,
  loginPerAccount: undefined,
  loginPerIp: undefined,
};

/** `off`, or `<requests>/<window>` with the window in seconds, minutes or hours: `30/s`, `600/10m`, `5000/h`. */
export const RATE_LIMIT_FORMAT = /^(?:off|[1-9]\d{0,8}\/(?:[1-9]\d{0,5})?[smh])$/;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** Parses a value of {@link RATE_LIMIT_FORMAT} (checked before); `off` is `undefined`. */
export function parseRateLimit(value: string): RateLimit | undefined {
  if (value === 'off') return undefined;
  const [points = '', window = ''] = value.split('/');
  const unit = window.slice(-1) as keyof typeof UNIT_SECONDS;
  const count = window.length > 1 ? Number(window.slice(0, -1)) : 1;
  return { points: Number(points), durationSeconds: count * UNIT_SECONDS[unit] };
}

/** `30;w=1`: the quota policy as draft-ietf-httpapi-ratelimit-headers-06 writes it. */
export function policyOf(limit: RateLimit): string {
  return `${limit.points};w=${limit.durationSeconds}`;
}
