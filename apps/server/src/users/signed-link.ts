import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../db/ids.ts';

function signature(key: Buffer, id: string, expiresAtSeconds: number): Buffer {
  return createHmac('sha256', key).update(`${id}.${expiresAtSeconds}`).digest();
}

/**
 * The token of an emailed link (email verification, password reset): `<row id>.<expiry, epoch s>.<HMAC>`.
 * The HMAC lets the server refuse a forged or altered link before any lookup, and lets the
 * notifier write the link from the row's id alone (no secret in the outbox); single use is the
 * row's `used_at`. Each kind of link has its own key (SecretKey).
 *
 * @example
 * const token = signLinkToken(secretKey.emailVerificationKey, verification.id, verification.expiresAt);
 */
export function signLinkToken(key: Buffer, id: string, expiresAt: Date): string {
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  return `${id}.${seconds}.${signature(key, id, seconds).toString('base64url')}`;
}

/**
 * The row a token names, if the token is well-formed and signed with one of `keys` (the current
 * key, and those of `REALMKIT_SECRET_KEY_PREVIOUS`: a link emailed before a rotation still works
 * while its key is listed; the token names no key, and links expire within hours anyway).
 */
export function readLinkToken(keys: readonly Buffer[], token: string): { id: string; expiresAt: Date } | undefined {
  const [id, seconds, mac, ...rest] = token.split('.');
  if (rest.length > 0 || !id || !isUuid(id) || !seconds || !/^\d{1,12}$/.test(seconds) || !mac) return undefined;
  const actual = Buffer.from(mac, 'base64url');
  const signedWithOne = keys.some((key) => {
    const expected = signature(key, id, Number(seconds));
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
  return signedWithOne ? { id, expiresAt: new Date(Number(seconds) * 1000) } : undefined;
}

/** `${base}${path}?token=...`: the link an email carries. */
export function linkWithToken(base: string, path: string, token: string): string {
  return `${base}${path}?token=${encodeURIComponent(token)}`;
}

/** Why an emailed link did not work, with the HTTP status its page answers. */
export class LinkError extends Error {
  override name = 'LinkError';
  readonly status: 400 | 409 | 410;
  constructor(status: 400 | 409 | 410, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * Seconds to wait before another email of a kind may go to a user, after the last one sent
 * (`lastSentAt`); 0 when one may go now.
 */
export function secondsBeforeNextEmail(
  lastSentAt: Date | undefined,
  intervalSeconds: number,
  now = Date.now(),
): number {
  if (!lastSentAt) return 0;
  return Math.max(0, Math.ceil((lastSentAt.getTime() + intervalSeconds * 1000 - now) / 1000));
}
