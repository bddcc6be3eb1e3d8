import {
  FORGOT_PASSWORD_PATH,
  LOGIN_FORM_COOKIE,
  LOGIN_PATH,
  realmPath,
  SESSION_COOKIE,
  SIGN_IN_VERIFY_EMAIL_PATH,
  VERIFICATION_LINK_TTL_HOURS,
} from '@realmkit/contract';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Application } from '../applications/application.entity.ts';
import type { UserEvent } from '../audit/audit-log.service.ts';
import type { Clock } from '../clock/clock.ts';
import type { SealedBox } from '../crypto/sealed-box.ts';
import { ApiError } from '../errors/api-error.ts';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import { toApiError } from '../http/error-handler.ts';
import { urlPath } from '../http/url-path.ts';
import type { SigningKeyService } from '../keys/signing-key.service.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import type { LoginGuard } from '../rate-limits/login-guessing.service.ts';
import type { Realm } from '../realms/realm.entity.ts';
import type { EmailVerificationService } from '../users/email-verification.service.ts';
import type { PasswordResetService } from '../users/password-reset.service.ts';
import type { ActiveUser, UserService } from '../users/user.service.ts';
import { type AuthorizationCodeService, SessionEndedError } from './authorization-code.service.ts';
import { type AuthorizationRequest, RedirectableError, SignInPageError } from './authorization-request.ts';
import type { SignInCookies } from './cookies.ts';
import { formTargetOf, type SignInPages } from './pages.ts';
import type { LoginSession, SessionService } from './session.service.ts';
import { newCsrfToken, type SignInFormState, sealForm } from './sign-in-form.ts';

/** What the sign-in pages work with. */
export interface SignInDeps {
  cache: Pick<HotPathCache, 'realm' | 'application' | 'resource'>;
  users: Pick<UserService, 'findByLogin' | 'checkCredentials' | 'findActive'>;
  sessions: SessionService;
  codes: Pick<AuthorizationCodeService, 'issue'>;
  keys: Pick<SigningKeyService, 'verificationKeys'>;
  pages: SignInPages;
  cookies: SignInCookies;
  issuers: Issuers;
  /** Seals what a page's form carries (SecretKeyring.signInForms). */
  formKey: SealedBox;
  clock: Clock;
  /** The login form's rate limit and guessing delays; none when both are off. */
  loginLimit?: LoginGuard | undefined;
  /** Writes a sign-in's audit entry without the page waiting for it (errors are logged). */
  audit?: ((event: UserEvent) => void) | undefined;
  verifications: Pick<EmailVerificationService, 'request' | 'confirm'>;
  passwordResets: Pick<PasswordResetService, 'requestFor' | 'check' | 'complete'>;
  logger: Logger;
}

const CSRF_TOKEN = /^[A-Za-z0-9_-]{22}$/;

/** How pages show before the realm is known (the built-in templates). */
export const NO_REALM = { name: '', displayName: 'Realmkit' };

/**
 * A sign-in page of the realm named in the path: a 404 page when there is none, else `handle`;
 * the sign-in errors it throws are answered (a redirect, or a page: {@link answerSignInError}),
 * any other goes to the error handler.
 */
export function realmPage(
  deps: SignInDeps,
  handle: (realm: Realm, req: Request, res: Response) => Promise<void>,
  notFound = 'There is no sign-in at this address.',
): RequestHandler {
  return async (req, res, next) => {
    let shownRealm: { name: string; displayName?: string | null } = NO_REALM;
    try {
      const realm = await deps.cache.realm(String(req.params.realm));
      if (!realm) throw new SignInPageError(404, 'Page not found', notFound);
      shownRealm = realm;
      await handle(realm, req, res);
    } catch (error) {
      if (!(await answerSignInError(deps, res, shownRealm, error))) next(error);
    }
  };
}

/** `uri` with `params` added to its query (RFC 6749 §4.1.2), then a 303 to it. */
export function redirectWith(res: Response, uri: string, params: Record<string, string | null>): void {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.append(name, value);
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).redirect(303, url.href);
}

/** The form cookie's value, reused while it is sound (several sign-in tabs share it), else a new one set. */
export function csrfTokenFor(deps: SignInDeps, req: Request, res: Response, realmName: string): string {
  const existing = deps.cookies.read(req, LOGIN_FORM_COOKIE);
  const csrf = existing && CSRF_TOKEN.test(existing) ? existing : newCsrfToken();
  deps.cookies.setForm(res, realmName, csrf);
  return csrf;
}

/** Seals `state` into a page's hidden field, bound to the browser's form cookie. */
export function formFor(deps: SignInDeps, req: Request, res: Response, realm: Realm, state: SignInFormState): string {
  return sealForm(deps.formKey, realm.id, csrfTokenFor(deps, req, res, realm.name), state, deps.clock());
}

/** The login page for `request`, with `error` shown when there is one. */
export async function showLogin(
  deps: SignInDeps,
  req: Request,
  res: Response,
  page: {
    realm: Realm;
    client: Application;
    request: AuthorizationRequest;
    status?: number;
    error?: string;
    identifier?: string;
  },
): Promise<void> {
  const { realm, client, request } = page;
  const form = formFor(deps, req, res, realm, { kind: 'login', request });
  await deps.pages.send(res, realm, 'login.html', {
    status: page.status ?? 200,
    view: {
      action: realmPath(LOGIN_PATH, realm.name),
      form,
      application_name: client.name,
      identifier: page.identifier ?? '',
      error: page.error,
      forgot_password_href: `${realmPath(FORGOT_PASSWORD_PATH, realm.name)}?interaction=${form}`,
    },
    formTargets: [formTargetOf(request.redirectUri)],
  });
}

/** The session cookie's live session in this realm and its user (not suspended), or `null`. */
export async function currentSession(
  deps: SignInDeps,
  req: Request,
  realm: Realm,
): Promise<{ session: LoginSession; user: ActiveUser } | null> {
  const session = await deps.sessions.find(realm.id, deps.cookies.read(req, SESSION_COOKIE));
  if (!session) return null;
  const user = await deps.users.findActive(realm.id, session.userId);
  return user ? { session, user } : null;
}

/**
 * Signs the user in for `request`, once they have proven who they are (at `authTime`): ends the
 * browser's previous session in this realm, starts one (the cookie), and sends the code.
 */
export async function startSession(
  deps: SignInDeps,
  req: Request,
  res: Response,
  grant: { realm: Realm; client: Application; request: AuthorizationRequest; userId: string; authTime?: Date },
): Promise<void> {
  const { realm, client, request } = grant;
  const previous = await currentSession(deps, req, realm);
  if (previous) await deps.sessions.end(realm.id, previous.session.id);
  const { session, cookie, insert } = deps.sessions.create(realm.id, grant.userId, {
    authTime: grant.authTime,
    ip: req.ip,
    userAgent: req.get('user-agent'),
  });
  deps.cookies.setSession(res, realm.name, cookie);
  await issueCode(deps, res, { realm, client, request, session }, insert);
}

/**
 * Writes a sign-in's audit entries (`user.signed_in`, `user.sign_in_failed`) with the user as actor,
 * for the application signed in to, with the address and user agent; never what was typed.
 */
export function signInAudit(
  deps: SignInDeps,
  req: Request,
  attempt: { realm: Realm; client: Application; userId: string | null },
): (action: 'user.signed_in' | 'user.sign_in_failed', status: number, reason?: string) => void {
  return (action, status, reason) =>
    deps.audit?.({
      realm: { id: attempt.realm.id, name: attempt.realm.name },
      action,
      userId: attempt.userId,
      application: { id: attempt.client.id, clientId: attempt.client.clientId },
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
      request: { id: req.id, method: req.method, path: urlPath(req.originalUrl) },
      status,
      ...(reason ? { details: { reason } } : {}),
    });
}

/** Whether the realm holds this user at sign-in until their email is verified (`require_verified_email`). */
export function mustVerifyEmail(realm: Realm, user: { emailVerified: boolean }): boolean {
  return realm.requireVerifiedEmail && !user.emailVerified;
}

/**
 * The page that holds a user whose email must be verified: it sends the verification email (once
 * a minute at most), and goes on to the application once the link is followed, in this browser by
 * the link itself (the pending cookie), or from any device with its "Continue" button.
 */
export async function holdForVerification(
  deps: SignInDeps,
  req: Request,
  res: Response,
  held: {
    realm: Realm;
    client: Application;
    request: AuthorizationRequest;
    user: { id: string; email: string };
    authTime: Date;
    /** Send the email now (the first time the page shows, and on "Send again"). */
    send: boolean;
    notice?: string;
  },
): Promise<void> {
  const { realm, client, request, user } = held;
  const state = { kind: 'verify' as const, request, userId: user.id, authTime: held.authTime.getTime() };
  const form = formFor(deps, req, res, realm, state);
  deps.cookies.setPending(res, realm.name, form);
  let notice = held.notice;
  if (held.send) {
    try {
      await deps.verifications.request(realm, user.id, { signIn: true });
      notice = `We sent a link to ${user.email}. It works for ${VERIFICATION_LINK_TTL_HOURS} hours.`;
    } catch (error) {
      // 429: one went out less than a minute ago; 409: verified meanwhile (Continue goes on).
      if (!(error instanceof ApiError) || (error.status !== 429 && error.status !== 409)) throw error;
      notice =
        error.status === 429
          ? `We sent a link to ${user.email} less than a minute ago. Look for it, or send another in a minute.`
          : 'Your email is verified. Continue to the application.';
    }
  }
  await deps.pages.send(res, realm, 'email-not-verified.html', {
    status: 200,
    view: {
      action: realmPath(SIGN_IN_VERIFY_EMAIL_PATH, realm.name),
      form,
      application_name: client.name,
      email: user.email,
      notice,
    },
    formTargets: [formTargetOf(request.redirectUri)],
  });
}

/** Ends the authorization request: a code for the signed-in user, sent to the redirect URI with `state` and `iss` (RFC 9207). */
export async function issueCode(
  deps: SignInDeps,
  res: Response,
  grant: { realm: Realm; client: Application; request: AuthorizationRequest; session: LoginSession },
  /** A session started by this request, stored with the code (NewSession.insert). */
  newSession?: { sql: string; params: unknown[] },
): Promise<void> {
  const { realm, client, request, session } = grant;
  let code: string;
  try {
    code = await deps.codes.issue(
      {
        realmId: realm.id,
        applicationId: client.id,
        userId: session.userId,
        sessionId: session.id,
        redirectUri: request.redirectUri,
        codeChallenge: request.codeChallenge,
        scope: request.scopes.join(' '),
        resource: request.resource,
        nonce: request.nonce,
        authTime: session.authTime,
      },
      newSession,
    );
  } catch (error) {
    if (!(error instanceof SessionEndedError)) throw error;
    throw new SignInPageError(
      409,
      'Sign in again',
      'You were signed out while signing in. Go back to the application and sign in again.',
    );
  }
  redirectWith(res, request.redirectUri, { code, state: request.state, iss: deps.issuers.issuerOf(realm.name) });
}

/** What a page says when the server cannot take a password now (503): the form can be sent again. */
export const BUSY_MESSAGE = 'The server is busy right now. Try again in a few seconds.';

/**
 * The error as a 503 the page should show and the browser may retry: password checks busy
 * (`password_checks_busy`), or the database unreachable; `undefined` for any other.
 */
export function busyError(error: unknown): ApiError | undefined {
  const apiError = toApiError(error);
  return apiError?.status === 503 ? apiError : undefined;
}

/**
 * Answers a sign-in failure: to the redirect URI when it may go there (RFC 6749 §4.1.2.1, with
 * `iss`), else on a page; a 503 (busy, or the database unreachable) on a page that says to try
 * again, with its `Retry-After`. Returns false for any other error (the caller passes it on).
 */
export async function answerSignInError(
  deps: SignInDeps,
  res: Response,
  realm: { name: string; displayName?: string | null },
  error: unknown,
): Promise<boolean> {
  if (error instanceof RedirectableError) {
    redirectWith(res, error.redirectUri, {
      error: error.error.code,
      error_description: error.error.message,
      state: error.state,
      iss: deps.issuers.issuerOf(realm.name),
    });
    return true;
  }
  if (error instanceof SignInPageError) {
    await deps.pages.message(res, realm, error.status, { title: error.title, message: error.message });
    return true;
  }
  const busy = busyError(error);
  if (busy) {
    res.set(busy.headers);
    await deps.pages.message(res, realm, busy.status, { title: 'Try again in a moment', message: BUSY_MESSAGE });
    return true;
  }
  return false;
}
