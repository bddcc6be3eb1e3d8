import { LOGIN_FORM_COOKIE, MAX_LOGIN_IDENTIFIER_LENGTH, PASSWORD_MAX_LENGTH } from '@realmkit/contract';
import type { Request, RequestHandler } from 'express';
import { sameSecret } from '../crypto/random-secret.ts';
import { urlPath } from '../http/url-path.ts';
import { readOAuthForm } from '../oauth-protocol/oauth-form-body.ts';
import type { Realm } from '../realms/realm.entity.ts';
import { SignInPageError } from './authorization-request.ts';
import { answerSignInError, currentSession, issueCode, NO_REALM, type SignInDeps, showLogin } from './sign-in-flow.ts';
import { openForm } from './sign-in-form.ts';

/** The same words for an unknown account, a wrong password and an account without one. */
export const WRONG_CREDENTIALS = 'The email, username or password is not correct.';

const EXPIRED = () =>
  new SignInPageError(
    400,
    'This sign-in page has expired',
    'Go back to the application and sign in again. Sign-in pages work for 30 minutes.',
  );
const FORGED = () =>
  new SignInPageError(
    403,
    'This form could not be verified',
    'It was not sent from the sign-in page this browser opened. Go back to the application and sign in again.',
  );

/** `42 seconds`, `15 minutes`: how long to wait, as the page says it. */
function inWords(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

function field(form: Record<string, string | string[]>, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}

/**
 * OWASP's CSRF defence in depth: a cross-site post carries neither the SameSite=Lax form cookie nor
 * this origin. A browser sends `Origin` on every POST; a missing one is accepted (the cookie holds).
 */
function sameOrigin(req: Request, issuer: string): boolean {
  const origin = req.get('origin');
  if (origin === undefined) return true;
  return origin === new URL(issuer).origin || origin === `${req.protocol}://${req.get('host')}`;
}

/**
 * `POST /oauth2/{realm}/login`: the login page's form. Checks that this browser's page sent it
 * (sealed form bound to the form cookie, and the origin), counts the attempt against the login rate
 * limit of its address, and refuses it while the address must wait after failing on this account
 * (decision 0020-G); then the password, the same way for accounts that do and do not exist.
 * Success starts a session (the cookie) and sends the code to the application. Every outcome but
 * the per-address quota's refusals is written to the audit log, without the page waiting for it.
 */
export function loginEndpoint(deps: SignInDeps): RequestHandler {
  return async (req, res, next) => {
    let shownRealm: { name: string; displayName?: string | null } = NO_REALM;
    try {
      const realm: Realm | null = await deps.cache.realm(String(req.params.realm));
      if (!realm) throw new SignInPageError(404, 'Page not found', 'There is no sign-in at this address.');
      shownRealm = realm;
      const form = await readOAuthForm(req).catch(() => undefined);
      const sealed = form ? openForm(deps.formKey, realm.id, field(form, 'interaction'), deps.clock()) : null;
      if (!form || !sealed || sealed.state.kind !== 'login') throw EXPIRED();
      const csrf = deps.cookies.read(req, LOGIN_FORM_COOKIE);
      if (!csrf || !sameSecret(csrf, sealed.csrf) || !sameOrigin(req, deps.issuers.issuerOf(realm.name))) {
        throw FORGED();
      }
      const { request } = sealed.state;
      // The application may have changed since the page was shown.
      const client = await deps.cache.application(realm.id, request.clientId);
      if (!client?.redirectUris.includes(request.redirectUri)) throw EXPIRED();

      const identifier = field(form, 'identifier').trim();
      const password = field(form, 'password');
      const again = (status: number, error: string) =>
        showLogin(deps, req, res, { realm, client, request, status, error, identifier });
      if (!identifier || !password || identifier.length > MAX_LOGIN_IDENTIFIER_LENGTH) {
        return await again(400, 'Enter your email or username and your password.');
      }
      // Whom the identifier names: a user's failures are counted under their id (email and username
      // share one count), an identifier that names nobody under its digest, and the two alike.
      const named = await deps.users.findByLogin(realm.id, identifier);
      const attempt = await deps.loginLimit?.({
        account: named ? { userId: named.id } : { realmId: realm.id, identifier },
        ip: req.ip ?? 'unknown',
      });
      const audit = (action: 'user.signed_in' | 'user.sign_in_failed', status: number, reason?: string) =>
        deps.audit?.({
          realm: { id: realm.id, name: realm.name },
          action,
          userId: named?.id ?? null,
          application: { id: client.id, clientId: client.clientId },
          ip: req.ip ?? null,
          userAgent: req.get('user-agent') ?? null,
          request: { id: req.id, method: req.method, path: urlPath(req.originalUrl) },
          status,
          ...(reason ? { details: { reason } } : {}),
        });
      if (attempt?.refusal) {
        const { retryAfterSeconds, reason } = attempt.refusal;
        // Refused without the password checked. Audited once per address and account in a while (a
        // guessing loop must not write an entry per post); the posts of an address across accounts
        // (the per-IP quota) are not audited at all: they would be unbounded.
        if (reason === 'account' && (await attempt.firstRefusal())) audit('user.sign_in_failed', 429, 'delayed');
        res.set('Retry-After', String(retryAfterSeconds));
        return await again(429, `Too many sign-in attempts. Try again in ${inWords(retryAfterSeconds)}.`);
      }
      // Longer than any password can be: refused without the hash (which would cost more for it).
      const check =
        [...password].length > PASSWORD_MAX_LENGTH
          ? { valid: false as const, user: named }
          : await deps.users.checkCredentials(named, password);
      if (!check.valid) {
        await attempt?.failed();
        audit('user.sign_in_failed', 401, 'invalid_credentials');
        return await again(401, WRONG_CREDENTIALS);
      }
      const { user } = check;
      // The right password: this address's failures on the account are forgotten, suspended or not.
      await attempt?.succeeded();
      if (user.isSuspended) {
        audit('user.sign_in_failed', 403, 'suspended');
        return await again(403, 'This account is suspended. Contact the administrator.');
      }

      const previous = await currentSession(deps, req, realm);
      if (previous) await deps.sessions.end(realm.id, previous.session.id);
      const { session, cookie, insert } = deps.sessions.create(realm.id, user.id);
      deps.cookies.setSession(res, realm.name, cookie);
      await issueCode(deps, res, { realm, client, request, session }, insert);
      audit('user.signed_in', 303);
    } catch (error) {
      if (!(await answerSignInError(deps, res, shownRealm, error))) next(error);
    }
  };
}
