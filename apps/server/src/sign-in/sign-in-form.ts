import { randomBytes } from 'node:crypto';
import { LOGIN_FORM_TTL_SECONDS } from '@realmkit/contract';
import type { SealedBox } from '../crypto/sealed-box.ts';
import type { AuthorizationRequest } from './authorization-request.ts';

/** What a page's form carries to its post: the request it continues, sealed (AES-256-GCM). */
export type SignInFormState =
  | { kind: 'login'; request: AuthorizationRequest }
  | { kind: 'logout'; postLogoutRedirectUri: string | null; state: string | null }
  /** The "Forgot password?" form, opened from a login page (its request, to go back to) or on its own. */
  | { kind: 'forgot'; request: AuthorizationRequest | null }
  /** The form of a password reset link's page: the link's token. */
  | { kind: 'reset'; token: string }
  /** A sign-in held until the user's email is verified: who proved their password, and when (epoch ms). */
  | { kind: 'verify'; request: AuthorizationRequest; userId: string; authTime: number };

interface Sealed {
  realmId: string;
  /** Epoch ms after which the form is refused. */
  expiresAt: number;
  /** Must equal the form cookie's value: only this browser can post it (CSRF). */
  csrf: string;
  state: SignInFormState;
}

/** A new value for the form cookie: random, 128 bits. */
export function newCsrfToken(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The hidden field of a sign-in page. Sealed, not signed: it holds the authorization request
 * (state, nonce), which nothing but this server should read back from the page.
 */
export function sealForm(box: SealedBox, realmId: string, csrf: string, state: SignInFormState, now: number): string {
  const sealed: Sealed = { realmId, expiresAt: now + LOGIN_FORM_TTL_SECONDS * 1000, csrf, state };
  return box.seal(JSON.stringify(sealed));
}

/** The form's state, or `null` when it was altered, is another realm's or has expired. */
export function openForm(box: SealedBox, realmId: string, value: string, now: number): Sealed | null {
  let sealed: Sealed;
  try {
    sealed = JSON.parse(box.open(value)) as Sealed;
  } catch {
    return null;
  }
  return sealed.realmId === realmId && sealed.expiresAt > now ? sealed : null;
}
