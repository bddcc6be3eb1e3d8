import type { RequestHandler } from 'express';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import { type OAuthForm, readOAuthForm } from '../oauth-protocol/oauth-form-body.ts';
import { checkAuthorizationRequest, RedirectableError, SignInPageError } from './authorization-request.ts';
import {
  answerSignInError,
  currentSession,
  holdForVerification,
  issueCode,
  mustVerifyEmail,
  NO_REALM,
  type SignInDeps,
  showLogin,
} from './sign-in-flow.ts';

/** The page for a realm that does not exist: the address itself is wrong. */
const UNKNOWN_REALM = new SignInPageError(404, 'Page not found', 'There is no sign-in at this address.');

/**
 * `GET|POST /oauth2/{realm}/authorize` (RFC 6749 §4.1.1, OIDC Core §3.1.2): checks the request,
 * then answers with a code at once when the browser has a live session that the request lets it
 * use (single sign-on), `login_required` for `prompt=none` without one, else the login page. A
 * session's user whose email the realm requires verified is held at the verification page.
 * `prompt=login` and an exceeded `max_age` ask for the password again.
 */
export function authorizeEndpoint(deps: SignInDeps): RequestHandler {
  return async (req, res, next) => {
    let shownRealm: { name: string; displayName?: string | null } = NO_REALM;
    try {
      const realm = await deps.cache.realm(String(req.params.realm));
      if (!realm) throw UNKNOWN_REALM;
      shownRealm = realm;
      const params: OAuthForm =
        req.method === 'POST' ? ((await readOAuthForm(req)) ?? {}) : (req.query as unknown as OAuthForm);
      const { client, request } = await checkAuthorizationRequest(params, {
        client: (clientId) => deps.cache.application(realm.id, clientId),
        resourceExists: async (indicator) => Boolean(await deps.cache.resource(realm, indicator)),
      });
      const current = request.prompt.includes('login') ? null : await currentSession(deps, req, realm);
      const maxAgeMs = request.maxAge === null ? null : request.maxAge * 1000;
      const fresh = current && (maxAgeMs === null || deps.clock() - current.session.authTime.getTime() <= maxAgeMs);
      if (current && fresh) {
        if (mustVerifyEmail(realm, current.user)) {
          if (request.prompt.includes('none')) {
            throw new RedirectableError(
              new OAuthError('interaction_required', 'The user must verify their email address first'),
              request.redirectUri,
              request.state,
            );
          }
          const { user, session } = current;
          return await holdForVerification(deps, req, res, {
            ...{ realm, client, request, user, authTime: session.authTime },
            send: true,
          });
        }
        return await issueCode(deps, res, { realm, client, request, session: current.session });
      }
      if (request.prompt.includes('none')) {
        throw new RedirectableError(
          new OAuthError('login_required', 'The user must sign in'),
          request.redirectUri,
          request.state,
        );
      }
      await showLogin(deps, req, res, { realm, client, request });
    } catch (error) {
      if (error instanceof OAuthError) {
        // A POST body that is not a readable form: nothing can be trusted to redirect to.
        return deps.pages.message(res, shownRealm, 400, { title: 'Sign-in cannot continue', message: error.message });
      }
      if (!(await answerSignInError(deps, res, shownRealm, error))) next(error);
    }
  };
}
