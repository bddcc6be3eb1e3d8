import type { ManagementScope } from '@realmkit/contract';
import type { User } from 'oidc-client-ts';
import { createContext, type ReactNode, use, useEffect, useMemo, useState } from 'react';
import { isMasterConsole, signInRealm } from '../config.ts';
import { scopesOfAccessToken } from './access-token.ts';
import { restoreSignIn, signInRedirect, signOut, userManager } from './session.ts';

export interface Auth {
  user: User;
  /** What the header shows: the name, else the email, else the subject. */
  displayName: string;
  /** The Management API scopes of the admin's token. */
  scopes: ReadonlySet<string>;
  /** Whether the token holds `scope` (what the console offers; the server still decides). */
  can(scope: ManagementScope): boolean;
  /** The realm signed in to; a master-realm admin manages every realm. */
  realm: string;
  isMaster: boolean;
  signOut(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

/** The signed-in admin. Only inside {@link AuthProvider}, which renders its children once signed in. */
export function useAuth(): Auth {
  const auth = use(AuthContext);
  if (!auth) throw new Error('useAuth outside <AuthProvider>');
  return auth;
}

type SignInStatus = { state: 'checking' } | { state: 'signed-in'; user: User } | { state: 'failed'; error: Error };

/**
 * Renders its children for a signed-in admin, and sends anyone else to the realm's login page
 * (coming back to the same console path). Follows renewals: a refreshed token brings its scopes.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SignInStatus>({ state: 'checking' });

  useEffect(() => {
    let active = true;
    const onLoaded = (user: User) => {
      if (active) setStatus({ state: 'signed-in', user });
    };
    // Renewal failed (refresh token revoked or expired, the session ended): sign in again.
    // (No sign-in on userUnloaded: signing out unloads the user on its way to the logout page.)
    const onRenewError = () => void signInRedirect();
    userManager.events.addUserLoaded(onLoaded);
    userManager.events.addSilentRenewError(onRenewError);
    restoreSignIn().then(
      (user) => {
        if (!active) return;
        if (user) setStatus({ state: 'signed-in', user });
        else signInRedirect().catch((error: Error) => active && setStatus({ state: 'failed', error }));
      },
      (error: Error) => active && setStatus({ state: 'failed', error }),
    );
    return () => {
      active = false;
      userManager.events.removeUserLoaded(onLoaded);
      userManager.events.removeSilentRenewError(onRenewError);
    };
  }, []);

  const user = status.state === 'signed-in' ? status.user : undefined;
  const auth = useMemo<Auth | null>(() => {
    if (!user) return null;
    const scopes = scopesOfAccessToken(user.access_token);
    const profile = user.profile;
    return {
      user,
      displayName: profile.name ?? profile.email ?? profile.preferred_username ?? profile.sub,
      scopes,
      can: (scope) => scopes.has(scope),
      realm: signInRealm,
      isMaster: isMasterConsole,
      signOut,
    };
  }, [user]);

  if (status.state === 'failed') {
    return (
      <main className="sign-in-status" id="main">
        <h1>Could not sign in</h1>
        <p role="alert">{status.error.message}</p>
        <button type="button" className="button" onClick={() => void signInRedirect()}>
          Try again
        </button>
      </main>
    );
  }
  if (!auth) {
    return (
      <main className="sign-in-status" id="main">
        <p role="status">Signing you in…</p>
      </main>
    );
  }
  return <AuthContext value={auth}>{children}</AuthContext>;
}
