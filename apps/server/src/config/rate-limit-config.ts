/** A quota: `points` requests per fixed window of `durationSeconds`. */
export interface RateLimit {
  readonly points: number;
  readonly durationSeconds: number;
}

/** Each limit, or `undefined` when it is off. */
export interface RateLimitsConfig {
  /**
   * Requests of an authenticated client at the token, introspection and revocation endpoints, per
   * `client_id` (`REALMKIT_RATE_LIMIT_TOKEN_PER_CLIENT`).
   */
  readonly tokenPerClient: RateLimit | undefined;
  /** Requests at those endpoints per client IP address (`REALMKIT_RATE_LIMIT_TOKEN_PER_IP`). */
  readonly tokenPerIp: RateLimit | undefined;
  /**
   * Failed client authentications at those endpoints per `client_id` and IP address
   * (`REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_CLIENT_AND_IP`).
   */
  readonly clientAuthFailuresPerClientAndIp: RateLimit | undefined;
  /** Failed client authentications per IP address, across clients (`REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_IP`). */
  readonly clientAuthFailuresPerIp: RateLimit | undefined;
  /** Management API requests per token client (`REALMKIT_RATE_LIMIT_MANAGEMENT_PER_CLIENT`). */
  readonly managementPerClient: RateLimit | undefined;
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
  // An office behind one NAT signs in many people: login posts per IP, across accounts. Guessing at
  // one account is slowed by its failures instead (LoginGuessingConfig), not by a quota of posts
  // that a guesser would use up for the real user too.
  REALMKIT_RATE_LIMIT_LOGIN_PER_IP: '100/m',
  // Failed client authentications (decision 0022): counted per client_id and address, so that a
  // guesser elsewhere never uses up the real client's budget. 10 like Auth0's brute-force
  // protection (per account and address), the per-address bound like the login form's.
  REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_CLIENT_AND_IP: '10/m',
  REALMKIT_RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_IP: '100/m',
} as const;

export const RATE_LIMITS_OFF: RateLimitsConfig = {
  tokenPerClient: undefined,
  tokenPerIp: undefined,
  managementPerClient: undefined,
  loginPerIp: undefined,
  clientAuthFailuresPerClientAndIp: undefined,
  clientAuthFailuresPerIp: undefined,
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

/**
 * How failed sign-ins slow password guessing (docs/rate-limits.md, "Password guessing"): after
 * `failuresPerIp` failures from one IP address on one account, each further failure from there
 * makes that address wait, `firstDelaySeconds` doubling up to `maxDelaySeconds`; past `failuresPerAccount`
 * failures on the account from every address together, an address waits after its first failure.
 * An address that never failed on the account is never slowed: the real user still signs in.
 */
export interface LoginGuessingConfig {
  /** Failures from one IP address on one account before delays (`REALMKIT_LOGIN_FAILURES_PER_IP`). */
  readonly failuresPerIp: number;
  /** Failures on one account from every address before each failing address is delayed (`REALMKIT_LOGIN_FAILURES_PER_ACCOUNT`). */
  readonly failuresPerAccount: number;
  /** The first delay, doubled by each further failure (`REALMKIT_LOGIN_FIRST_DELAY`). */
  readonly firstDelaySeconds: number;
  /** The longest delay (`REALMKIT_LOGIN_MAX_DELAY`). */
  readonly maxDelaySeconds: number;
  /** How long a failure counts, from the first of a series (`REALMKIT_LOGIN_FAILURE_WINDOW`). */
  readonly failureWindowSeconds: number;
}

/**
 * After Auth0's brute-force protection (10 failures per account and IP) and Keycloak's detector
 * (at most 15 minutes' wait, failures forgotten after 12 hours), stricter per address since the
 * delays, not a lockout, are the consequence.
 */
export const DEFAULT_LOGIN_GUESSING = {
  REALMKIT_LOGIN_FAILURES_PER_IP: '5',
  REALMKIT_LOGIN_FAILURES_PER_ACCOUNT: '50',
  REALMKIT_LOGIN_FIRST_DELAY: '1s',
  REALMKIT_LOGIN_MAX_DELAY: '15m',
  REALMKIT_LOGIN_FAILURE_WINDOW: '12h',
} as const;

/** A count of failures, or `off` (only the per-IP count: it turns the delays off). */
export const FAILURE_COUNT_FORMAT = /^(?:off|[1-9]\d{0,5})$/;

/** A duration: `30s`, `15m`, `12h`. */
export const DURATION_FORMAT = /^[1-9]\d{0,5}[smh]$/;

/** Seconds of a {@link DURATION_FORMAT} value (checked before). */
export function parseDuration(value: string): number {
  return Number(value.slice(0, -1)) * UNIT_SECONDS[value.slice(-1) as keyof typeof UNIT_SECONDS];
}
