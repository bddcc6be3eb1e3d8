import { createHmac, timingSafeEqual } from 'node:crypto';
import { VERIFICATION_LINK_TTL_HOURS, VERIFY_EMAIL_PAGE_PATH } from '@realmkit/contract';
import { isUuid } from '../db/ids.ts';

/** How long a verification link works. */
export const VERIFICATION_LINK_TTL_MS = VERIFICATION_LINK_TTL_HOURS * 60 * 60 * 1000;

function signature(key: Buffer, id: string, expiresAtSeconds: number): Buffer {
  return createHmac('sha256', key).update(`${id}.${expiresAtSeconds}`).digest();
}

/**
 * The token of a verification link: `<verification id>.<expiry, epoch s>.<HMAC>`. The HMAC lets
 * the server refuse a forged or altered link before any lookup; single use is the
 * verification row's `used_at`.
 *
 * @example
 * const token = signVerificationToken(secretKey.emailVerificationKey, verification.id, verification.expiresAt);
 */
export function signVerificationToken(key: Buffer, id: string, expiresAt: Date): string {
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  return `${id}.${seconds}.${signature(key, id, seconds).toString('base64url')}`;
}

/** The verification a token names, if the token is well-formed and signed by this server. */
export function readVerificationToken(key: Buffer, token: string): { id: string; expiresAt: Date } | undefined {
  const [id, seconds, mac, ...rest] = token.split('.');
  if (rest.length > 0 || !id || !isUuid(id) || !seconds || !/^\d{1,12}$/.test(seconds) || !mac) return undefined;
  const expected = signature(key, id, Number(seconds));
  const actual = Buffer.from(mac, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  return { id, expiresAt: new Date(Number(seconds) * 1000) };
}

/** The link a user follows: `${issuerUrl}/verify-email?token=...`. */
export function verificationLink(issuerUrl: string, token: string): string {
  return `${issuerUrl}${VERIFY_EMAIL_PAGE_PATH}?token=${encodeURIComponent(token)}`;
}
