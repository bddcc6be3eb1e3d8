import type { TokenSource } from '@realmkit/sdk';
import type { User, UserManager } from 'oidc-client-ts';

/**
 * The SDK's tokens from the signed-in admin: the stored access token while it is valid, else a
 * renewal with the refresh token (shared by concurrent calls); when the API refuses a token
 * (401), the next call renews it. A renewal that fails (refresh token revoked, session ended)
 * starts a fresh sign-in.
 */
export function userManagerTokenSource(userManager: UserManager, signInAgain: () => Promise<void>): TokenSource {
  let refused: string | undefined;
  let renewal: Promise<User> | undefined;

  const renew = (): Promise<User> => {
    renewal ??= userManager
      .signinSilent()
      .then((user) => {
        if (!user) throw new Error('The sign-in could not be renewed');
        return user;
      })
      .catch(async (error: unknown) => {
        await signInAgain();
        throw error;
      })
      .finally(() => {
        renewal = undefined;
      });
    return renewal;
  };

  return {
    async getToken() {
      const user = await userManager.getUser();
      if (user && !user.expired && user.access_token !== refused) return user.access_token;
      return (await renew()).access_token;
    },
    invalidate(token) {
      refused = token;
    },
  };
}
