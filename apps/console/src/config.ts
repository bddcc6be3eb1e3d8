import { CONSOLE_PATH, MASTER_REALM } from '@realmkit/contract';

/**
 * Where the console runs, read once at start: the server's public URL (the issuer base the
 * server writes into index.html) and the realm whose admins sign in (the first path segment
 * after `/console/`).
 */

/** REALMKIT_ISSUER_URL, from `<meta name="realmkit-issuer">`; this page's origin when empty (a dev build). */
export const issuerUrl: string = (() => {
  const content = document.querySelector<HTMLMetaElement>('meta[name="realmkit-issuer"]')?.content?.trim();
  return (content || window.location.origin).replace(/\/+$/, '');
})();

/** `/console/<realm>/…` → `<realm>`; the master realm's console when the path names none. */
export function realmOfPath(pathname: string): string {
  const prefix = `${CONSOLE_PATH}/`;
  if (!pathname.startsWith(prefix)) return MASTER_REALM;
  const [segment] = pathname.slice(prefix.length).split('/');
  return segment ? decodeURIComponent(segment) : MASTER_REALM;
}

/** The realm the admin signs in to: its console application, and the realm its token is for. */
export const signInRealm: string = realmOfPath(window.location.pathname);

/** Admins of the master realm manage every realm (and the realms themselves). */
export const isMasterConsole: boolean = signInRealm === MASTER_REALM;

/** The router's base: every console path is relative to it. */
export const consoleBase = `${CONSOLE_PATH}/${encodeURIComponent(signInRealm)}`;

/**
 * A console path (`/realms/acme/users`) as a link or navigation target from anywhere, nested
 * routes included: wouter resolves `~` paths from the page's root rather than the nearest nest.
 */
export function fromConsoleRoot(path: string): string {
  return `~${consoleBase}${path}`;
}
