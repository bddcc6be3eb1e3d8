import { END_SESSION_PATH, LOGIN_FORM_COOKIE, realmPath, SESSION_COOKIE } from '@realmkit/contract';
import type { Request, RequestHandler, Response } from 'express';
import { decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { sameSecret } from '../crypto/random-secret.ts';
import { type OAuthForm, readOAuthForm } from '../oauth-protocol/oauth-form-body.ts';
import type { Realm } from '../realms/realm.entity.ts';
import { SignInPageError } from './authorization-request.ts';
import { formTargetOf } from './pages.ts';
import { formFor, realmPage, redirectWith, type SignInDeps } from './sign-in-flow.ts';
import { openForm } from './sign-in-form.ts';

const INVALID = (message: string) => new SignInPageError(400, 'Sign-out cannot continue', message);

function single(params: OAuthForm, name: string): string | null {
  const value = params[name];
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') throw INVALID(`The ${name} parameter is repeated.`);
  return value;
}

/**
 * The claims of an ID token this realm issued, checked by signature, issuer and `typ`, but not by
 * expiry (OIDC RP-Initiated Logout §2: an expired ID token is a fine hint).
 */
async function idTokenHintClaims(deps: SignInDeps, realm: Realm, token: string): Promise<{ sub: string; aud: string }> {
  try {
    const { iat } = decodeJwt(token);
    const { keySet, algorithms } = await deps.keys.verificationKeys(realm.id);
    const { payload } = await jwtVerify(token, keySet, {
      algorithms,
      issuer: deps.issuers.issuerOf(realm.name),
      typ: 'JWT',
      // Judged as of its own issue time: any ID token this realm signed, however old.
      ...(typeof iat === 'number' ? { currentDate: new Date(iat * 1000) } : {}),
      requiredClaims: ['sub', 'aud'],
    });
    const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    if (typeof payload.sub !== 'string' || typeof aud !== 'string') throw INVALID('The id_token_hint is not valid.');
    return { sub: payload.sub, aud };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError) {
      throw INVALID('The id_token_hint is not an ID token of this realm.');
    }
    throw error;
  }
}

/** Where the user goes once signed out: back to the application, or a page that says so. */
async function signedOut(
  deps: SignInDeps,
  res: Response,
  realm: Realm,
  target: { postLogoutRedirectUri: string | null; state: string | null },
): Promise<void> {
  if (target.postLogoutRedirectUri) return redirectWith(res, target.postLogoutRedirectUri, { state: target.state });
  await deps.pages.message(res, realm, 200, { title: 'You are signed out', message: 'You can close this window.' });
}

async function endCurrentSession(deps: SignInDeps, req: Request, res: Response, realm: Realm): Promise<void> {
  const session = await deps.sessions.find(realm.id, deps.cookies.read(req, SESSION_COOKIE));
  if (session) await deps.sessions.end(realm.id, session.id);
  deps.cookies.clearSession(res, realm.name);
}

/**
 * `GET|POST /oauth2/{realm}/logout`: OpenID Connect RP-Initiated Logout 1.0. A
 * `post_logout_redirect_uri` must be one the client (named by `client_id` or the hint's `aud`)
 * registered, exactly; otherwise nothing redirects. With an `id_token_hint` of the session's user
 * the session ends at once; without one the user confirms on a page first (§2: a logout request
 * from anywhere must not end a session silently), whose form is bound to the browser as the
 * login form is.
 */
export function endSessionEndpoint(deps: SignInDeps): RequestHandler {
  return realmPage(
    deps,
    async (realm, req, res) => {
      const params: OAuthForm =
        req.method === 'POST'
          ? ((await readOAuthForm(req).catch(() => undefined)) ?? {})
          : (req.query as unknown as OAuthForm);

      const confirmation = single(params, 'interaction');
      if (confirmation !== null) {
        const sealed = openForm(deps.formKey, realm.id, confirmation, deps.clock());
        const csrf = deps.cookies.read(req, LOGIN_FORM_COOKIE);
        if (sealed?.state.kind !== 'logout' || !csrf || !sameSecret(csrf, sealed.csrf)) {
          throw INVALID('This sign-out page has expired. Go back to the application and sign out again.');
        }
        await endCurrentSession(deps, req, res, realm);
        return await signedOut(deps, res, realm, sealed.state);
      }

      const hint = single(params, 'id_token_hint');
      const claims = hint ? await idTokenHintClaims(deps, realm, hint) : null;
      const clientId = single(params, 'client_id');
      if (clientId && claims && clientId !== claims.aud)
        throw INVALID("The client_id is not the id_token_hint's audience.");
      const postLogoutRedirectUri = single(params, 'post_logout_redirect_uri');
      const state = single(params, 'state');
      if (postLogoutRedirectUri) {
        const ownerId = clientId ?? claims?.aud;
        const client = ownerId ? await deps.cache.application(realm.id, ownerId) : null;
        if (!client?.postLogoutRedirectUris.includes(postLogoutRedirectUri)) {
          throw INVALID(
            'The post_logout_redirect_uri is not registered for this application. Nothing was sent back to it.',
          );
        }
      }
      const target = { postLogoutRedirectUri, state };
      const session = await deps.sessions.find(realm.id, deps.cookies.read(req, SESSION_COOKIE));
      if (!session || (claims && claims.sub === session.userId)) {
        if (session) await deps.sessions.end(realm.id, session.id);
        deps.cookies.clearSession(res, realm.name);
        return await signedOut(deps, res, realm, target);
      }
      await deps.pages.message(
        res,
        realm,
        200,
        {
          title: `Sign out of ${realm.displayName || realm.name}?`,
          message: 'You will be signed out of every application of this realm in this browser.',
          confirm: 'Sign out',
          action: realmPath(END_SESSION_PATH, realm.name),
          form: formFor(deps, req, res, realm, { kind: 'logout', ...target }),
        },
        postLogoutRedirectUri ? [formTargetOf(postLogoutRedirectUri)] : [],
      );
    },
    'There is no sign-out at this address.',
  );
}
