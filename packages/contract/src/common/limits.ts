/**
 * The API's limits, each written once: the contract's schemas and descriptions, the OpenAPI
 * document and the server that enforces them all read them from here.
 */

/** The largest request body the server reads, JSON or form: 100 KiB (body-parser's `100kb`). */
export const MAX_BODY_BYTES = 100 * 1024;

/** {@link MAX_BODY_BYTES} as messages and the OpenAPI document write it. */
export const MAX_BODY_SIZE = `${MAX_BODY_BYTES / 1024} kB`;

/** Parameters an OAuth form (a token or introspection request) may carry: RFC 6749 requests have a handful. */
export const MAX_FORM_PARAMETERS = 50;

/** Items per page of every list (`per_page` in v1, `size` in the users API by realm name). */
export const MAX_PER_PAGE = 100;
export const DEFAULT_PER_PAGE = 20;

/** Ids that one request may name at once (`role_ids`, `scope_ids`). */
export const MAX_IDS_PER_REQUEST = 100;

/** Characters of a realm reference: `{realm}` (its UUID or name), or a realm name sent as a value. */
export const MAX_REALM_REF_LENGTH = 64;

/**
 * Passwords' lengths, in characters (Unicode code points); outside them the server answers 422. A
 * realm's `password_policy.min_length` lies in `PASSWORD_MIN_LENGTH..PASSWORD_MIN_LENGTH_MAX` and
 * defaults to `PASSWORD_MIN_LENGTH` (NIST SP 800-63B's floor); every realm's maximum is
 * `PASSWORD_MAX_LENGTH`.
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MIN_LENGTH_MAX = 128;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * The most an imported password hash (`password_digest`) may cost: every check of the password pays
 * it, so the client that imports it must not choose it freely (bcrypt's cost is a power of two:
 * 31 pins a CPU for days; argon2id's memory is taken per check). Outside them the import answers
 * 422, and a hash stored before the bounds is never checked.
 */
export const IMPORTED_HASH_LIMITS = {
  bcryptMaxCost: 14,
  argon2idMaxMemoryKiB: 65_536,
  argon2idMaxTimeCost: 10,
  argon2idMaxParallelism: 4,
} as const;

/** Characters of an `Idempotency-Key`, once unquoted. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** How long the response of a request with an `Idempotency-Key` is kept and answered again, in hours. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

/**
 * How long a request with an `Idempotency-Key` holds its key without renewing it, in seconds (it
 * renews every third of it while it runs): a key whose server died mid-request is free again after
 * this, and a retry of the same request then runs it again (docs/operations.md, "Idempotency keys").
 */
export const IDEMPOTENCY_KEY_LEASE_SECONDS = 60;

/** How long an email verification link works, in hours. */
export const VERIFICATION_LINK_TTL_HOURS = 24;

/** How long a password reset link works, in minutes (OWASP's Forgot Password Cheat Sheet: short-lived). */
export const PASSWORD_RESET_LINK_TTL_MINUTES = 30;

/** The least time between two emails of one kind (verification, password reset) to one user, in seconds. */
export const ACCOUNT_EMAIL_INTERVAL_SECONDS = 60;

/** How long `/readyz` waits for the database, in seconds: a probe must answer well within its own timeout. */
export const READINESS_TIMEOUT_SECONDS = 2;

/**
 * How far ahead a `private_key_jwt` assertion's `exp` may lie, in seconds (RFC 7523 §3: the server
 * may bound it). Its `jti` is remembered until then, so the bound is also the replay store's.
 */
export const CLIENT_ASSERTION_MAX_LIFETIME_SECONDS = 300;

/** Characters of a `client_assertion`: a JWT of a few keys' worth of claims, well under the form's limit. */
export const CLIENT_ASSERTION_MAX_LENGTH = 8192;

/** Keys of an application's inline `jwks` (RFC 7591 §2): enough to rotate through. */
export const MAX_CLIENT_JWKS_KEYS = 10;

/** Federated credentials of one application (Azure's limit). */
export const MAX_FEDERATED_CREDENTIALS = 20;

/** Audiences of one federated credential. */
export const MAX_FEDERATED_AUDIENCES = 5;

/**
 * What Realmkit fetches from an address a client names (`jwks_uri`, a federated issuer's discovery
 * document and keys): at most `maxBytes`, within `timeoutSeconds`, over at most `maxRedirects`
 * redirects; kept `cacheSeconds` (a `jwks_uri` change is seen within it), and fetched again for an
 * unknown `kid` at most once per `refreshFloorSeconds`. `maxCachedUris` bounds the cache across
 * all realms.
 */
export const OUTBOUND_FETCH_LIMITS = {
  maxBytes: 64 * 1024,
  timeoutSeconds: 5,
  maxRedirects: 3,
  cacheSeconds: 300,
  refreshFloorSeconds: 30,
  maxCachedUris: 1000,
} as const;
