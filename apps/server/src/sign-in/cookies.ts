import {
  LOGIN_FORM_COOKIE,
  LOGIN_FORM_TTL_SECONDS,
  PENDING_SIGN_IN_COOKIE,
  REALM_ISSUER_PATH,
  realmPath,
  SESSION_COOKIE,
  SESSION_MAX_TTL_SECONDS,
} from '@realmkit/contract';
import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';

/**
 * Browsers keep cookies of up to 4096 bytes, name and attributes included: a pending sign-in
 * longer than this (an authorization request with very long parameters) is not kept, and only
 * the page's Continue button goes on.
 */
const MAX_PENDING_LENGTH = 3800;

/** The cookies of a realm's sign-in: scoped to its issuer path, HttpOnly, SameSite=Lax, Secure over https. */
export class SignInCookies {
  readonly #secure: boolean;

  constructor(issuerBaseUrl: string) {
    this.#secure = issuerBaseUrl.startsWith('https:');
  }

  read(
    req: Request,
    name: typeof SESSION_COOKIE | typeof LOGIN_FORM_COOKIE | typeof PENDING_SIGN_IN_COOKIE,
  ): string | undefined {
    const header = req.get('cookie');
    return header ? parse(header)[name] : undefined;
  }

  /** Sets the session cookie; it outlives no session (the server ends idle ones first). */
  setSession(res: Response, realmName: string, value: string): void {
    this.#set(res, realmName, SESSION_COOKIE, value, SESSION_MAX_TTL_SECONDS);
  }

  setForm(res: Response, realmName: string, value: string): void {
    this.#set(res, realmName, LOGIN_FORM_COOKIE, value, LOGIN_FORM_TTL_SECONDS);
  }

  clearSession(res: Response, realmName: string): void {
    this.#set(res, realmName, SESSION_COOKIE, '', 0);
  }

  /** A sign-in held for email verification (a sealed form), which the verification link continues. */
  setPending(res: Response, realmName: string, sealed: string): void {
    if (sealed.length <= MAX_PENDING_LENGTH)
      this.#set(res, realmName, PENDING_SIGN_IN_COOKIE, sealed, LOGIN_FORM_TTL_SECONDS);
  }

  clearPending(res: Response, realmName: string): void {
    this.#set(res, realmName, PENDING_SIGN_IN_COOKIE, '', 0);
  }

  #set(res: Response, realmName: string, name: string, value: string, maxAge: number): void {
    res.append(
      'Set-Cookie',
      serialize(name, value, {
        path: realmPath(REALM_ISSUER_PATH, realmName),
        httpOnly: true,
        // Lax: sent on the top-level navigation back from an application, never on a cross-site POST.
        sameSite: 'lax',
        secure: this.#secure,
        maxAge,
      }),
    );
  }
}
