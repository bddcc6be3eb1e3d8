import { MAX_LOGIN_IDENTIFIER_LENGTH, PASSWORD_MAX_LENGTH } from '@realmkit/contract';
import type { RequestHandler } from 'express';
import type { Realm } from '../realms/realm.entity.ts';
import type { CredentialCheck } from '../users/user.service.ts';
import type { AuthorizationRequest } from './authorization-request.ts';
import { EXPIRED, field, readPageForm } from './page-form.ts';
import {
  BUSY_MESSAGE,
  busyError,
  holdForVerification,
  mustVerifyEmail,
  realmPage,
  type SignInDeps,
  showLogin,
  signInAudit,
  startSession,
} from './sign-in-flow.ts';
import { openForm } from './sign-in-form.ts';

/** The same words for an unknown account, a wrong password and an account without one. */
export const WRONG_CREDENTIALS = 'The email, username or password is not correct.';

/** `42 seconds`, `15 minutes`: how long to wait, as the page says it. */
function inWords(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * `POST /oauth2/{realm}/login`: the login page's form. Checks that this browser's page sent it
 * (sealed form bound to the form cookie, and the origin), counts the attempt against the login rate
 * limit of its address, and refuses it while the address must wait after failing on this account
 * (decision 0020); then the password, the same way for accounts that do and do not exist.
 * Success starts a session (the cookie) and sends the code to the application, unless the realm
 * holds the user until their email is verified. Every outcome but
 * the per-address quota's refusals is written to the audit log, without the page waiting for it.
 */
export function loginEndpoint(deps: SignInDeps): RequestHandler {
  return realmPage(deps, async (realm, req, res) => {
    const { fields: form, state } = await readPageForm(deps, req, realm, 'login');
    const { request } = state;
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
    const audit = signInAudit(deps, req, { realm, client, userId: named?.id ?? null });
    if (attempt?.refusal) {
      const { retryAfterSeconds, reason } = attempt.refusal;
      // Refused without the password checked. Audited once per address and account in a while (a
      // guessing loop must not write an entry per post); the posts of an address across accounts
      // (the per-IP quota) are not audited at all: they would be unbounded.
      if (reason === 'account' && (await attempt.firstRefusal())) audit('user.sign_in_failed', 429, 'delayed');
      res.set('Retry-After', String(retryAfterSeconds));
      return await again(429, `Too many sign-in attempts. Try again in ${inWords(retryAfterSeconds)}.`);
    }
    let check: CredentialCheck;
    try {
      // Longer than any password can be: refused without the hash (which would cost more for it).
      check =
        [...password].length > PASSWORD_MAX_LENGTH
          ? { valid: false, user: named }
          : await deps.users.checkCredentials(realm.id, named, password);
    } catch (error) {
      const busy = busyError(error);
      if (!busy) throw error;
      // Neither a failure nor a success: this server has as many passwords to check as it takes.
      res.set(busy.headers);
      return await again(busy.status, BUSY_MESSAGE);
    }
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

    const authTime = new Date(deps.clock());
    if (mustVerifyEmail(realm, user)) {
      // Not signed in yet: audited as signed in when the verified email lets it go on.
      return await holdForVerification(deps, req, res, { realm, client, request, user, authTime, send: true });
    }
    await startSession(deps, req, res, { realm, client, request, userId: user.id, authTime });
    audit('user.signed_in', 303);
  });
}

/**
 * `GET /oauth2/{realm}/login?interaction=...`: the login page again, for the request a sealed
 * login form carries (the account pages' "Back to sign in"). Showing it changes nothing.
 */
export function loginPage(deps: SignInDeps): RequestHandler {
  return realmPage(deps, async (realm, req, res) => {
    const request = openLoginRequest(deps, realm, req.query.interaction);
    const client = request ? await deps.cache.application(realm.id, request.clientId) : null;
    if (!request || !client?.redirectUris.includes(request.redirectUri)) throw EXPIRED();
    await showLogin(deps, req, res, { realm, client, request });
  });
}

/** The authorization request of a sealed login form sent in a link (`?interaction=`), or `null`. */
export function openLoginRequest(deps: SignInDeps, realm: Realm, value: unknown): AuthorizationRequest | null {
  if (typeof value !== 'string') return null;
  const sealed = openForm(deps.formKey, realm.id, value, deps.clock());
  return sealed?.state.kind === 'login' ? sealed.state.request : null;
}
