import {
  FORGOT_PASSWORD_PATH,
  LOGIN_PATH,
  MAX_LOGIN_IDENTIFIER_LENGTH,
  PASSWORD_RESET_LINK_TTL_MINUTES,
  realmPath,
} from '@realmkit/contract';
import type { Request, RequestHandler, Response } from 'express';
import type { Realm } from '../realms/realm.entity.ts';
import type { AuthorizationRequest } from './authorization-request.ts';
import { openLoginRequest } from './login.endpoint.ts';
import { field, readPageForm } from './page-form.ts';
import { formFor, realmPage, type SignInDeps } from './sign-in-flow.ts';

/** "Back to sign in": the login page of the request the user came from, when there was one. */
function backHref(deps: SignInDeps, req: Request, res: Response, realm: Realm, request: AuthorizationRequest | null) {
  if (!request) return undefined;
  const login = formFor(deps, req, res, realm, { kind: 'login', request });
  return `${realmPath(LOGIN_PATH, realm.name)}?interaction=${login}`;
}

async function showForm(
  deps: SignInDeps,
  req: Request,
  res: Response,
  page: { realm: Realm; request: AuthorizationRequest | null; status?: number; error?: string; identifier?: string },
): Promise<void> {
  const { realm, request } = page;
  await deps.pages.send(res, realm, 'forgot-password.html', {
    status: page.status ?? 200,
    view: {
      action: realmPath(FORGOT_PASSWORD_PATH, realm.name),
      form: formFor(deps, req, res, realm, { kind: 'forgot', request }),
      identifier: page.identifier ?? '',
      error: page.error,
      back_href: backHref(deps, req, res, realm, request),
    },
  });
}

/**
 * `GET|POST /oauth2/{realm}/forgot-password`: asks for an email or username, then answers the same
 * whether or not an account matches (OWASP Forgot Password Cheat Sheet), and only then asks for
 * the email: a response that waited for it would take longer for an existing account. Opened
 * from a login page (`?interaction=`), it leads back there.
 */
export function forgotPasswordEndpoint(deps: SignInDeps): RequestHandler {
  return realmPage(deps, async (realm, req, res) => {
    if (req.method === 'GET') {
      return await showForm(deps, req, res, { realm, request: openLoginRequest(deps, realm, req.query.interaction) });
    }
    const { fields, state } = await readPageForm(deps, req, realm, 'forgot');
    const { request } = state;
    const identifier = field(fields, 'identifier').trim();
    if (!identifier || identifier.length > MAX_LOGIN_IDENTIFIER_LENGTH) {
      return await showForm(deps, req, res, {
        ...{ realm, request, identifier, status: 400 },
        error: 'Enter the email or username of your account.',
      });
    }
    // The login form's per-address limit: an address may not ask more often than it may sign in.
    const refusal = (await deps.loginLimit?.({ account: { realmId: realm.id, identifier }, ip: req.ip ?? 'unknown' }))
      ?.refusal;
    if (refusal) {
      res.set('Retry-After', String(refusal.retryAfterSeconds));
      return await showForm(deps, req, res, {
        ...{ realm, request, identifier, status: 429 },
        error: `Too many attempts. Try again in ${refusal.retryAfterSeconds} seconds.`,
      });
    }
    deps.passwordResets.requestFor(realm, identifier).catch((error: unknown) => {
      deps.logger.error({ err: error, realm: realm.name }, 'password reset email could not be queued');
    });
    await deps.pages.message(res, realm, 200, {
      title: 'Check your email',
      message:
        'If an account matches what you entered, we have sent it an email with a link to set a new password. ' +
        `The link works for ${PASSWORD_RESET_LINK_TTL_MINUTES} minutes.`,
      link_href: backHref(deps, req, res, realm, request),
      link_text: 'Back to sign in',
    });
  });
}
