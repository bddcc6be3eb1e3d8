import { PENDING_SIGN_IN_COOKIE } from '@realmkit/contract';
import type { Request, RequestHandler, Response } from 'express';
import type { Realm } from '../realms/realm.entity.ts';
import { LinkError } from '../users/password-reset.service.ts';
import { SignInPageError } from './authorization-request.ts';
import { field, readPageForm } from './page-form.ts';
import { holdForVerification, realmPage, type SignInDeps, signInAudit, startSession } from './sign-in-flow.ts';
import { openForm, type SignInFormState } from './sign-in-form.ts';

type Held = Extract<SignInFormState, { kind: 'verify' }>;

const SIGN_IN_AGAIN = () =>
  new SignInPageError(400, 'Sign in again', 'This sign-in can no longer continue. Go back to the application.');

/** The sign-in this browser has waiting for a verified email, from its pending cookie; `null` if none. */
function pendingSignIn(deps: SignInDeps, req: Request, realm: Realm): Held | null {
  const value = deps.cookies.read(req, PENDING_SIGN_IN_COOKIE);
  const sealed = value ? openForm(deps.formKey, realm.id, value, deps.clock()) : null;
  return sealed?.state.kind === 'verify' ? sealed.state : null;
}

/**
 * Goes on with a held sign-in if its user may now sign in (still active, email verified): a new
 * session, and the code to the application (`continued`). Otherwise nothing is done, and the
 * application and user are answered for the held page. Throws a {@link SignInPageError} when the
 * sign-in can no longer go on (the application changed, the user was suspended or deleted).
 */
async function continueSignIn(deps: SignInDeps, req: Request, res: Response, realm: Realm, held: Held) {
  const client = await deps.cache.application(realm.id, held.request.clientId);
  if (!client?.redirectUris.includes(held.request.redirectUri)) throw SIGN_IN_AGAIN();
  const user = await deps.users.findActive(realm.id, held.userId);
  if (!user) throw SIGN_IN_AGAIN();
  if (!user.emailVerified) return { client, user, continued: false };
  deps.cookies.clearPending(res, realm.name);
  await startSession(deps, req, res, {
    ...{ realm, client, request: held.request, userId: user.id },
    authTime: new Date(held.authTime),
  });
  signInAudit(deps, req, { realm, client, userId: user.id })('user.signed_in', 303);
  return { client, user, continued: true };
}

/**
 * `GET|POST /oauth2/{realm}/verify-email`. GET (`?token=`) is the link of a verification email
 * asked for at sign-in: it verifies the email, then, in the browser whose sign-in was held, goes
 * on to the application at once; elsewhere it says to press Continue there. POST is the holding
 * page's form: send the email again, or continue once the email is verified (from any device).
 */
export function signInVerifyEmailEndpoint(deps: SignInDeps): RequestHandler {
  return realmPage(deps, async (realm, req, res) => {
    if (req.method === 'GET') return await followLink(deps, req, res, realm);

    const { fields, state } = await readPageForm(deps, req, realm, 'verify');
    const action = field(fields, 'action');
    const outcome = await continueSignIn(deps, req, res, realm, state);
    if (outcome.continued) return;
    const { client, user } = outcome;
    await holdForVerification(deps, req, res, {
      ...{ realm, client, request: state.request, user, authTime: new Date(state.authTime) },
      send: action === 'send',
      ...(action === 'send'
        ? {}
        : { notice: 'Your email is not verified yet. Follow the link in the email we sent, then continue.' }),
    });
  });
}

async function followLink(deps: SignInDeps, req: Request, res: Response, realm: Realm): Promise<void> {
  const token = typeof req.query.token === 'string' ? req.query.token : '';
  let failure: LinkError | undefined;
  let email: string | undefined;
  try {
    const confirmed = await deps.verifications.confirm(token);
    if (confirmed.realmId !== realm.id) throw new LinkError(400, 'This verification link is not valid.');
    email = confirmed.email;
  } catch (error) {
    if (!(error instanceof LinkError)) throw error;
    failure = error;
  }
  // A link used before (this page opened twice) still continues a sign-in whose email is verified.
  const held = pendingSignIn(deps, req, realm);
  if (held) {
    try {
      if ((await continueSignIn(deps, req, res, realm, held)).continued) return;
    } catch (error) {
      // A held sign-in that can no longer go on: the page says what happened to the link instead.
      if (!(error instanceof SignInPageError)) throw error;
      deps.cookies.clearPending(res, realm.name);
    }
  }
  if (failure) {
    await deps.pages.message(res, realm, failure.status, { title: 'Email not verified', message: failure.message });
    return;
  }
  await deps.pages.message(res, realm, 200, {
    title: 'Email verified',
    message: `${email} is verified. Go back to the page where you signed in and select Continue.`,
  });
}
