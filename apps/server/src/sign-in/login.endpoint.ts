import { MAX_LOGIN_IDENTIFIER_LENGTH, PASSWORD_MAX_LENGTH } from '@realmkit/contract';
import type { RequestHandler } from 'express';
import type { Realm } from '../realms/realm.entity.ts';
import { type AuthorizationRequest, SignInPageError } from './authorization-request.ts';
import { EXPIRED, field, readPageForm } from './page-form.ts';
import {
  answerSignInError,
  holdForVerification,
  mustVerifyEmail,
  NO_REALM,
  type SignInDeps,
  showLogin,
  startSession,
} from './sign-in-flow.ts';
import { openForm } from './sign-in-form.ts';

/** The same words for an unknown account, a wrong password and an account without one. */
export const WRONG_CREDENTIALS = 'The email, username or password is not correct.';

/**
 * `POST /oauth2/{realm}/login`: the login page's form. Checks that this browser's page sent it
 * (sealed form bound to the form cookie, and the origin), counts the attempt against the login rate
 * limits, then the password, the same way for accounts that do and do not exist. Success starts a
 * session (the cookie) and sends the code to the application, unless the realm holds the user
 * until their email is verified.
 */
export function loginEndpoint(deps: SignInDeps): RequestHandler {
  return async (req, res, next) => {
    let shownRealm: { name: string; displayName?: string | null } = NO_REALM;
    try {
      const realm: Realm | null = await deps.cache.realm(String(req.params.realm));
      if (!realm) throw new SignInPageError(404, 'Page not found', 'There is no sign-in at this address.');
      shownRealm = realm;
      const { fields, state } = await readPageForm(deps, req, realm, 'login');
      const { request } = state;
      // The application may have changed since the page was shown.
      const client = await deps.cache.application(realm.id, request.clientId);
      if (!client?.redirectUris.includes(request.redirectUri)) throw EXPIRED();

      const identifier = field(fields, 'identifier').trim();
      const password = field(fields, 'password');
      const again = (status: number, error: string) =>
        showLogin(deps, req, res, { realm, client, request, status, error, identifier });
      if (!identifier || !password || identifier.length > MAX_LOGIN_IDENTIFIER_LENGTH) {
        return await again(400, 'Enter your email or username and your password.');
      }
      const refusal = await deps.loginLimit?.({ realmId: realm.id, identifier, ip: req.ip ?? 'unknown' });
      if (refusal) {
        res.set('Retry-After', String(refusal.retryAfterSeconds));
        return await again(429, `Too many sign-in attempts. Try again in ${refusal.retryAfterSeconds} seconds.`);
      }
      // Longer than any password can be: refused without the hash (which would cost more for it).
      const user =
        [...password].length > PASSWORD_MAX_LENGTH
          ? null
          : await deps.users.checkCredentials(realm.id, identifier, password);
      if (!user) return await again(401, WRONG_CREDENTIALS);
      if (user.isSuspended) return await again(403, 'This account is suspended. Contact the administrator.');
      const authTime = new Date(deps.clock());
      if (mustVerifyEmail(realm, user)) {
        return await holdForVerification(deps, req, res, { realm, client, request, user, authTime, send: true });
      }
      await startSession(deps, req, res, { realm, client, request, userId: user.id, authTime });
    } catch (error) {
      if (!(await answerSignInError(deps, res, shownRealm, error))) next(error);
    }
  };
}

/**
 * `GET /oauth2/{realm}/login?interaction=...`: the login page again, for the request a sealed
 * login form carries (the account pages' "Back to sign in"). Showing it changes nothing.
 */
export function loginPage(deps: SignInDeps): RequestHandler {
  return async (req, res, next) => {
    let shownRealm: { name: string; displayName?: string | null } = NO_REALM;
    try {
      const realm = await deps.cache.realm(String(req.params.realm));
      if (!realm) throw new SignInPageError(404, 'Page not found', 'There is no sign-in at this address.');
      shownRealm = realm;
      const request = openLoginRequest(deps, realm, req.query.interaction);
      const client = request ? await deps.cache.application(realm.id, request.clientId) : null;
      if (!request || !client?.redirectUris.includes(request.redirectUri)) throw EXPIRED();
      await showLogin(deps, req, res, { realm, client, request });
    } catch (error) {
      if (!(await answerSignInError(deps, res, shownRealm, error))) next(error);
    }
  };
}

/** The authorization request of a sealed login form sent in a link (`?interaction=`), or `null`. */
export function openLoginRequest(deps: SignInDeps, realm: Realm, value: unknown): AuthorizationRequest | null {
  if (typeof value !== 'string') return null;
  const sealed = openForm(deps.formKey, realm.id, value, deps.clock());
  return sealed?.state.kind === 'login' ? sealed.state.request : null;
}
