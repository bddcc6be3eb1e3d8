import { LOGIN_FORM_COOKIE } from '@realmkit/contract';
import type { Request } from 'express';
import { sameSecret } from '../crypto/random-secret.ts';
import { type OAuthForm, readOAuthForm } from '../oauth-protocol/oauth-form-body.ts';
import type { Realm } from '../realms/realm.entity.ts';
import { SignInPageError } from './authorization-request.ts';
import type { SignInDeps } from './sign-in-flow.ts';
import { openForm, type SignInFormState } from './sign-in-form.ts';

export const EXPIRED = () =>
  new SignInPageError(
    400,
    'This page has expired',
    'Go back to the application and sign in again. Sign-in pages work for 30 minutes.',
  );
const FORGED = () =>
  new SignInPageError(
    403,
    'This form could not be verified',
    'It was not sent from a page this browser opened. Go back to the application and sign in again.',
  );

/** One field of a posted form, or `''`. */
export function field(form: OAuthForm, name: string): string {
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
 * The post of one of this realm's sign-in pages, once proven to come from a page this browser
 * opened: the sealed hidden field (of the `kind` expected, not expired, of this realm) names the
 * form cookie's value, and the origin is this server's. Throws a {@link SignInPageError} otherwise.
 */
export async function readPageForm<K extends SignInFormState['kind']>(
  deps: Pick<SignInDeps, 'formKey' | 'clock' | 'cookies' | 'issuers'>,
  req: Request,
  realm: Realm,
  kind: K,
): Promise<{ fields: OAuthForm; state: Extract<SignInFormState, { kind: K }> }> {
  const fields = await readOAuthForm(req).catch(() => undefined);
  const sealed = fields ? openForm(deps.formKey, realm.id, field(fields, 'interaction'), deps.clock()) : null;
  if (!fields || !sealed || sealed.state.kind !== kind) throw EXPIRED();
  const csrf = deps.cookies.read(req, LOGIN_FORM_COOKIE);
  if (!csrf || !sameSecret(csrf, sealed.csrf) || !sameOrigin(req, deps.issuers.issuerOf(realm.name))) {
    throw FORGED();
  }
  return { fields, state: sealed.state as Extract<SignInFormState, { kind: K }> };
}
