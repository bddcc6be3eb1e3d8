import { useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { safeReturnTo } from './return-to.ts';
import { completeSignIn, signInRedirect } from './session.ts';

/** `/callback`: redeems the authorization code, then goes back to where the admin was. */
export function CallbackScreen() {
  const [, navigate] = useLocation();
  const [error, setError] = useState<Error>();

  useEffect(() => {
    completeSignIn().then(
      (user) => navigate(safeReturnTo(user.state), { replace: true }),
      (failure: Error) => setError(failure),
    );
  }, [navigate]);

  return (
    <main className="sign-in-status" id="main">
      {error ? (
        <>
          <h1>Could not sign in</h1>
          <p role="alert">{error.message}</p>
          <button type="button" className="button" onClick={() => void signInRedirect('/')}>
            Sign in again
          </button>
        </>
      ) : (
        <p role="status">Signing you in…</p>
      )}
    </main>
  );
}
