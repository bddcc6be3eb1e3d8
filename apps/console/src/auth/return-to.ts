/** What a sign-in carries through the authorization server (oidc-client-ts keeps it with its state). */
export interface SignInState {
  /** The console path (relative to the router's base) the admin was on. */
  returnTo: string;
}

/** Only a path of this console: never another origin (`//host`) from a state someone crafted. */
export function safeReturnTo(state: unknown): string {
  const returnTo = (state as Partial<SignInState> | undefined)?.returnTo;
  if (typeof returnTo !== 'string' || !returnTo.startsWith('/') || returnTo.startsWith('//')) return '/';
  if (returnTo.startsWith('/callback')) return '/';
  return returnTo;
}
