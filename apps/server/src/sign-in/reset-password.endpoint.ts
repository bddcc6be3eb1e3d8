import { FORGOT_PASSWORD_PATH, PASSWORD_MAX_LENGTH, RESET_PASSWORD_PATH, realmPath } from '@realmkit/contract';
import type { Request, RequestHandler, Response } from 'express';
import { ValidationError } from '../errors/api-error.ts';
import type { Realm } from '../realms/realm.entity.ts';
import { LinkError } from '../users/password-reset.service.ts';
import { field, readPageForm } from './page-form.ts';
import { BUSY_MESSAGE, busyError, formFor, realmPage, type SignInDeps } from './sign-in-flow.ts';

async function showForm(
  deps: SignInDeps,
  req: Request,
  res: Response,
  page: { realm: Realm; token: string; email: string; status?: number; errors?: string[] },
): Promise<void> {
  const { realm, token } = page;
  await deps.pages.send(res, realm, 'reset-password.html', {
    status: page.status ?? 200,
    view: {
      action: realmPath(RESET_PASSWORD_PATH, realm.name),
      form: formFor(deps, req, res, realm, { kind: 'reset', token }),
      email: page.email,
      errors: page.errors,
    },
  });
}

/** A link that does not work (any more): what happened, and where to ask for another. */
function linkFailed(deps: SignInDeps, res: Response, realm: Realm, error: LinkError): Promise<void> {
  return deps.pages.message(res, realm, error.status, {
    title: 'This link does not work',
    message: error.message,
    link_href: realmPath(FORGOT_PASSWORD_PATH, realm.name),
    link_text: 'Ask for a new link',
  });
}

/**
 * `GET|POST /oauth2/{realm}/reset-password`: the page a password reset email links to
 * (`?token=`), then its form: a new password typed twice, under the realm's password rules.
 * Setting it uses the link up and ends every session and refresh token of the user.
 */
export function resetPasswordEndpoint(deps: SignInDeps): RequestHandler {
  return realmPage(deps, async (realm, req, res) => {
    try {
      if (req.method === 'GET') {
        const token = typeof req.query.token === 'string' ? req.query.token : '';
        const { email } = await deps.passwordResets.check(realm.id, token);
        return await showForm(deps, req, res, { realm, token, email });
      }
      const { fields, state } = await readPageForm(deps, req, realm, 'reset');
      const { token } = state;
      const password = field(fields, 'password');
      const again = async (status: number, errors: string[]) =>
        showForm(deps, req, res, {
          ...{ realm, token, status, errors },
          email: (await deps.passwordResets.check(realm.id, token)).email,
        });
      if (!password) return await again(400, ['Enter a new password.']);
      if (password !== field(fields, 'confirmation')) return await again(400, ['The two passwords are not the same.']);
      // Longer than any password may be: refused before the rules (and the hash) see it.
      if ([...password].length > PASSWORD_MAX_LENGTH) {
        return await again(422, [`Use at most ${PASSWORD_MAX_LENGTH} characters.`]);
      }
      try {
        await deps.passwordResets.complete(realm.id, token, password, 'password');
      } catch (error) {
        // Busy: the link is still unused (complete() gives it back), the form can be sent again.
        const busy = busyError(error);
        if (busy) {
          res.set(busy.headers);
          return await again(busy.status, [BUSY_MESSAGE]);
        }
        if (!(error instanceof ValidationError)) throw error;
        return await again(422, error.details?.map((detail) => detail.message) ?? [error.message]);
      }
      await deps.pages.message(res, realm, 200, {
        title: 'Your password is set',
        message: 'Sign in with your new password. Every session of your account has been signed out, on every device.',
      });
    } catch (error) {
      if (!(error instanceof LinkError)) throw error;
      await linkFailed(deps, res, realm, error);
    }
  });
}
