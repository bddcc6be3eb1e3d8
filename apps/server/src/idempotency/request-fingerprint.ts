import { createHmac } from 'node:crypto';

/** Text to write as it is, beside JSON values still to write. */
interface Literal {
  readonly literal: string;
}

/**
 * `JSON.stringify(value)` with every object's keys sorted, so that key order does not count; the
 * same text, written without recursion, since a body may nest 30,000 levels deep (the body parser
 * allows it, and a recursive walk overflowed the stack: a 500).
 */
function canonicalJson(value: unknown): string {
  let text = '';
  const pending: (Literal | { readonly value: unknown })[] = [{ value }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if ('literal' in next) {
      text += next.literal;
      continue;
    }
    const current = next.value;
    if (Array.isArray(current)) {
      pending.push({ literal: ']' });
      for (let index = current.length - 1; index >= 0; index--) {
        pending.push({ value: current[index] ?? null });
        if (index > 0) pending.push({ literal: ',' });
      }
      pending.push({ literal: '[' });
    } else if (current !== null && typeof current === 'object') {
      const object = current as Record<string, unknown>;
      const keys = Object.keys(object).sort();
      pending.push({ literal: '}' });
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index] as string;
        pending.push({ value: object[key] }, { literal: `${JSON.stringify(key)}:` });
        if (index > 0) pending.push({ literal: ',' });
      }
      pending.push({ literal: '{' });
    } else {
      text += JSON.stringify(current) ?? 'null';
    }
  }
  return text;
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
    .update(`[${JSON.stringify(method.toUpperCase())},${JSON.stringify(path)},${canonicalJson(body ?? null)}]`)
    .digest('base64url');
}
