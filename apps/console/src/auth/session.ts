import type { User } from 'oidc-client-ts';
import { consoleBase, issuerUrl, signInRealm } from '../config.ts';
import type { SignInState } from './return-to.ts';
import { userManagerTokenSource } from './token-source.ts';
import { createUserManager } from './user-manager.ts';

/** The one sign-in of this page: the realm in its path decides which (`/console/<realm>/`). */
export const userManager = createUserManager(issuerUrl, signInRealm);

/** The console path (relative to the router's base) the admin is on, to come back to after signing in. */
export function currentConsolePath(): string {
  const { pathname, search } = window.location;
  const path = pathname.startsWith(consoleBase) ? pathname.slice(consoleBase.length) : '/';
  return `${path || '/'}${search}`;
}

let redirecting: Promise<void> | undefined;

/** Sends the browser to the realm's login page, once however many callers ask at the same time. */
export function signInRedirect(returnTo: string = currentConsolePath()): Promise<void> {
  const state: SignInState = { returnTo };
  redirecting ??= userManager.signinRedirect({ state }).catch((error: unknown) => {
    redirecting = undefined;
    throw error;
  });
  return redirecting;
}

let callback: Promise<User> | undefined;

/** Completes the sign-in at /callback: once, as the code can be redeemed only once (React may run effects twice). */
export function completeSignIn(): Promise<User> {
  callback ??= userManager.signinRedirectCallback();
  return callback;
}

/**
 * The stored sign-in if it is still usable: renewed with the refresh token when its access token
 * expired (a reload after a while), `null` when a new sign-in is needed.
 */
export async function restoreSignIn(): Promise<User | null> {
  const user = await userManager.getUser();
  if (!user) return null;
  if (!user.expired) return user;
  if (!user.refresh_token) return null;
  try {
    return await userManager.signinSilent();
  } catch {
    return null;
  }
}

/** RP-initiated logout: the realm's end-session endpoint with the ID token, back to this console. */
export async function signOut(): Promise<void> {
  const user = await userManager.getUser();
  await userManager.signoutRedirect({ id_token_hint: user?.id_token });
}

/** The SDK's token source: this sign-in's access token, renewed when needed. */
export const tokenSource = userManagerTokenSource(userManager, () => signInRedirect());
