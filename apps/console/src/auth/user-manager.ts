import { CONSOLE_APPLICATION, REALM_API_PATH, REALM_ISSUER_PATH, realmPath } from '@realmkit/contract';
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';

/** The Management API of `realm`, as a resource indicator (RFC 8707): the audience of the admin's token. */
export function managementApiOf(issuerUrl: string, realm: string): string {
  return `${issuerUrl}${realmPath(REALM_API_PATH, realm)}`;
}

/**
 * Sign-in to `realm` through its built-in console application: authorization code with PKCE
 * (a public client), an access token for the realm's Management API, and a refresh token
 * (`offline_access`) that renews it. Nothing runs in an iframe (the console's CSP forbids frames):
 * renewal uses the refresh token only.
 */
export function createUserManager(issuerUrl: string, realm: string): UserManager {
  const resource = managementApiOf(issuerUrl, realm);
  const store = new WebStorageStateStore({ store: window.sessionStorage });
  return new UserManager({
    authority: `${issuerUrl}${realmPath(REALM_ISSUER_PATH, realm)}`,
    client_id: CONSOLE_APPLICATION.clientId(realm),
    redirect_uri: CONSOLE_APPLICATION.redirectUri(issuerUrl, realm),
    post_logout_redirect_uri: CONSOLE_APPLICATION.postLogoutRedirectUri(issuerUrl, realm),
    response_type: 'code',
    scope: 'openid profile email offline_access',
    // On the authorization request and on the code exchange; a refresh keeps the grant's resource.
    extraQueryParams: { resource },
    extraTokenParams: { resource },
    // The access token is for the Management API, not the userinfo endpoint: the ID token has the claims.
    loadUserInfo: false,
    // This tab only: a token in sessionStorage is gone when the tab closes.
    userStore: store,
    stateStore: store,
    automaticSilentRenew: true,
    monitorSession: false,
  });
}
