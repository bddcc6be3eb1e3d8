import { createHmac } from 'node:crypto';

/** The same JSON value whatever its key order: objects' keys sorted, at every depth. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(object)
        .sort()
        .map((key) => [key, canonical(object[key])]),
    );
  }
  return value;
}

/**
 * What makes two requests "the same request" for an idempotency key: method, path and the
 * parsed JSON body (so key order and whitespace do not count). Keyed (HMAC) because bodies can
 * hold passwords: the stored fingerprint gives nothing to guess against.
 *
 * @example
 * requestFingerprint(key, 'POST', '/api/v1/acme/users', { email: 'jane@example.com' });
 */
export function requestFingerprint(key: Buffer, method: string, path: string, body: unknown): string {
  return createHmac('sha256', key)
    .update(JSON.stringify([method.toUpperCase(), path, canonical(body ?? null)]))
    .digest('base64url');
}
