import { IDEMPOTENCY_KEY_MAX_LENGTH } from '@realmkit/contract';
import type { Request } from 'express';
import { BadRequestError } from '../errors/api-error.ts';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** 1..IDEMPOTENCY_KEY_MAX_LENGTH printable ASCII characters (space included), once unquoted. */
const VALID_KEY = new RegExp(`^[\\x20-\\x7e]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`);

function invalid(message: string): BadRequestError {
  return new BadRequestError(message, [{ path: IDEMPOTENCY_KEY_HEADER, message }]);
}

/** The content of an RFC 8941 sf-string (`"..."`, with `\"` and `\\` escapes); `undefined` if it is not one. */
function unquoted(value: string): string | undefined {
  if (value.length < 2 || !value.endsWith('"')) return undefined;
  let content = '';
  for (let index = 1; index < value.length - 1; index++) {
    const char = value[index];
    if (char === '"') return undefined;
    if (char === '\\') {
      const escaped = value[++index];
      if (escaped !== '"' && escaped !== '\\') return undefined;
      content += escaped;
    } else {
      content += char;
    }
  }
  return content;
}

/**
 * The request's idempotency key, or `undefined` without the header. The IETF draft makes the
 * value an sf-string (`"8e03978e-..."`); Stripe and most clients send it bare: both are read,
 * as the same key. More than one header, or a key that is not 1..255 printable ASCII
 * characters, is a 400.
 */
export function idempotencyKeyOf(req: Request): string | undefined {
  const values: string[] = [];
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index]?.toLowerCase() === 'idempotency-key') values.push(req.rawHeaders[index + 1] ?? '');
  }
  if (values.length === 0) return undefined;
  if (values.length > 1) throw invalid(`Send one ${IDEMPOTENCY_KEY_HEADER} header, not ${values.length}`);
  const value = (values[0] ?? '').trim();
  const key = value.startsWith('"') ? unquoted(value) : value;
  if (key === undefined || !VALID_KEY.test(key)) {
    throw invalid(`${IDEMPOTENCY_KEY_HEADER} must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters`);
  }
  return key;
}
