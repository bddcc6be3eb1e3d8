import { ERROR_MESSAGES } from '@realmkit/contract';
import type { RequestHandler } from 'express';
import { ApiError, type ErrorDetail } from '../errors/api-error.ts';

const NUL = '\u0000';
/** In `u` mode a surrogate pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why `text` cannot be stored as it is, or `undefined` when it can. */
export function unstorable(text: string): string | undefined {
  if (text.includes(NUL)) return 'Must not contain U+0000';
  if (LONE_SURROGATE.test(text)) return 'Must be well-formed Unicode (no lone surrogate)';
  return undefined;
}

/** Each string (and object key) of `value` that cannot be stored, by its dotted path. Iterative: JSON may nest deeply. */
function problemsIn(value: unknown): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0) {
    const [current, path] = pending.pop() as [unknown, string];
    if (typeof current === 'string') {
      const message = unstorable(current);
      if (message) problems.push({ path: path || '(root)', message });
    } else if (current !== null && typeof current === 'object') {
      for (const [key, inner] of Object.entries(current)) {
        const innerPath = path ? `${path}.${key}` : key;
        const message = unstorable(key);
        if (message) problems.push({ path: innerPath, message });
        pending.push([inner, innerPath]);
      }
    }
  }
  return problems.reverse();
}

/**
 * Refuses text PostgreSQL cannot store as sent, before any route sees it: U+0000 (the driver
 * fails the whole query, which was a 500) and lone surrogates (UTF-8 cannot encode them: they
 * were silently stored as U+FFFD). Checks path parameters, query parameters and the JSON body,
 * keys included; a ts-rest global middleware, so that path parameters have their names. A route
 * that declares no query (the probes, discovery) never reads one: its query is not checked, so
 * that `/healthz?anything` stays a 200.
 */
export const storableText: RequestHandler = (req, _res, next) => {
  const route = (req as { tsRestRoute?: { query?: unknown } }).tsRestRoute;
  const parts = [
    ['path parameters', req.params],
    ['query parameters', route && !route.query ? {} : req.query],
    ['request body', req.body],
  ] as const;
  for (const [where, value] of parts) {
    const details = problemsIn(value);
    if (details.length > 0) {
      next(new ApiError(400, ERROR_MESSAGES.invalidRequest([where], details), { details }));
      return;
    }
  }
  next();
};
