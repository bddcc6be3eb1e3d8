import { LOGIN_FORM_COOKIE, LOGIN_PATH, realmPath, SESSION_COOKIE } from '@realmkit/contract';
import type { Request, Response } from 'express';
import type { Application } from '../applications/application.entity.ts';
import type { UserEvent } from '../audit/audit-log.service.ts';
import type { Clock } from '../clock/clock.ts';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import type { SigningKeyService } from '../keys/signing-key.service.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import type { LoginGuard } from '../rate-limits/login-guessing.service.ts';
import type { Realm } from '../realms/realm.entity.ts';
import type { UserService } from '../users/user.service.ts';
import type { AuthorizationCodeService } from './authorization-code.service.ts';
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
  /** Seals what a page's form carries (SecretKey.signInFormKey). */
  formKey: Buffer;
  clock: Clock;
  /** The login form's rate limit and guessing delays; none when both are off. */
  loginLimit?: LoginGuard | undefined;
  /** Writes a sign-in's audit entry without the page waiting for it (errors are logged). */
  audit?: ((event: UserEvent) => void) | undefined;
}

const CSRF_TOKEN = /^[A-Za-z0-9_-]{22}$/;

/** How pages show before the realm is known (the built-in templates). */
export const NO_REALM = { name: '', displayName: 'Realmkit' };

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
  await deps.pages.send(res, realm, 'login.html', {
    status: page.status ?? 200,
    view: {
      action: realmPath(LOGIN_PATH, realm.name),
      form: formFor(deps, req, res, realm, { kind: 'login', request }),
      application_name: client.name,
      identifier: page.identifier ?? '',
      error: page.error,
    },
    formTargets: [formTargetOf(request.redirectUri)],
  });
}

/** The session cookie's live session in this realm and its user (not suspended), or `null`. */
export async function currentSession(
  deps: SignInDeps,
  req: Request,
  realm: Realm,
): Promise<{ session: LoginSession; userId: string } | null> {
  const session = await deps.sessions.find(realm.id, deps.cookies.read(req, SESSION_COOKIE));
  if (!session) return null;
  return (await deps.users.findActive(realm.id, session.userId)) ? { session, userId: session.userId } : null;
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
  const code = await deps.codes.issue(
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
  redirectWith(res, request.redirectUri, { code, state: request.state, iss: deps.issuers.issuerOf(realm.name) });
}

/**
 * Answers a sign-in failure: to the redirect URI when it may go there (RFC 6749 §4.1.2.1, with
 * `iss`), else on a page. Returns false for any other error (the caller passes it on).
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
  return false;
}
