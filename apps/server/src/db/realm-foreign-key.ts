/** PostgreSQL's SQLSTATE for a foreign key violation. */
const FOREIGN_KEY_VIOLATION = '23503';

/** The foreign keys from a realm's rows to `realms`: `<table>_realm_id_fkey`, PostgreSQL's default names. */
const REALM_FOREIGN_KEY = /_realm_id_fkey$/;

/** Where a driver gives the constraint only in its message. */
const CONSTRAINT_IN_MESSAGE = /violates foreign key constraint "([^"]+)"/;

/**
 * Whether `error` says a write went into a realm that no longer exists: a row whose `realm_id`
 * names a deleted realm. Every such key is DEFERRABLE INITIALLY DEFERRED, so a write that read its
 * realm before a concurrent delete committed fails at its own commit, after every check of the
 * request passed; the API answers it as it answers any request for a missing realm (404), never
 * 500. Looks through `cause` chains, since the ORM and the driver wrap errors.
 */
export function isRealmGone(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, constraint, message, cause } = current as {
      code?: unknown;
      constraint?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (code === FOREIGN_KEY_VIOLATION) {
      const name =
        typeof constraint === 'string'
          ? constraint
          : typeof message === 'string'
            ? CONSTRAINT_IN_MESSAGE.exec(message)?.[1]
            : undefined;
      return name !== undefined && REALM_FOREIGN_KEY.test(name);
    }
    current = cause;
  }
  return false;
}
