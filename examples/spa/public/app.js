// @ts-check
// The single-page app: signs in with Realmkit through oidc-client-ts (authorization code + PKCE,
// a public `spa` client, no secret), shows the user's claims, calls the API with the access
// token and signs out. server.ts serves it with /config.json, which says where Realmkit and the
// API are.

/**
 * @typedef {object} Config
 * @property {string} authority the realm's issuer, `${REALMKIT_URL}/oauth2/${realm}`
 * @property {string} client_id the `spa` application's client_id
 * @property {string} api_url the resource server's base URL
 * @property {string} api_audience the API's resource indicator in Realmkit
 */

/** @param {string} id */
function element(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from index.html`);
  return found;
}

/** @param {string} text */
function showStatus(text) {
  element('status').textContent = text;
}

/** @param {unknown} error */
function showError(error) {
  const alert = element('error');
  alert.textContent = error instanceof Error ? error.message : String(error);
  alert.hidden = false;
}

/** @type {Config} */
const config = await (await fetch('/config.json')).json();

// Discovery from the authority, then the authorization code flow with PKCE (S256, always, in
// oidc-client-ts). The user (tokens and claims) is kept in sessionStorage, for this tab only.
const userManager = new oidc.UserManager({
  authority: config.authority,
  client_id: config.client_id,
  redirect_uri: `${location.origin}/callback`,
  post_logout_redirect_uri: `${location.origin}/signed-out`,
  response_type: 'code',
  scope: 'openid profile email',
  // RFC 8707: the access token is for the API (its `aud`), with the API scopes of the user's roles.
  resource: config.api_audience,
  // The access token is for the API, not for the userinfo endpoint: the ID token has the claims.
  loadUserInfo: false,
  automaticSilentRenew: false,
  userStore: new oidc.WebStorageStateStore({ store: window.sessionStorage }),
});

/** @param {import('oidc-client-ts').User | null} user */
function render(user) {
  const signedIn = Boolean(user && !user.expired);
  element('signed-in').hidden = !signedIn;
  element('signed-out').hidden = signedIn;
  if (!user || !signedIn) {
    showStatus('You are not signed in.');
    return;
  }
  showStatus(`You are signed in as ${user.profile.name ?? user.profile.email ?? user.profile.sub}.`);
  element('claims').textContent = JSON.stringify(user.profile, null, 2);
  element('token-scope').textContent = user.scope ?? '';
  element('token-expires-at').textContent = user.expires_at ? new Date(user.expires_at * 1000).toISOString() : '';
}

/**
 * The resource server with the user's access token (a cross-origin call: the API allows this
 * page's origin with CORS).
 * @param {'GET' | 'POST'} method
 */
async function callApi(method) {
  const user = await userManager.getUser();
  if (!user || user.expired) {
    render(null);
    return;
  }
  /** @type {RequestInit} */
  const init = { method, headers: { Authorization: `Bearer ${user.access_token}` } };
  if (method === 'POST') {
    init.headers = { ...init.headers, 'Content-Type': 'application/json' };
    init.body = JSON.stringify({ title: 'Hello from the SPA' });
  }
  const url = `${config.api_url}/posts`;
  const answer = await fetch(url, init);
  element('api-request').textContent = `${method} ${url}`;
  element('api-status').textContent = String(answer.status);
  element('api-body').textContent = await answer.text();
}

element('sign-in').addEventListener('click', () => {
  // state and the PKCE verifier are kept in sessionStorage until the callback; so is the nonce.
  userManager.signinRedirect({ nonce: crypto.randomUUID() }).catch(showError);
});
element('call-api').addEventListener('click', () => {
  callApi('GET').catch(showError);
});
element('create-post').addEventListener('click', () => {
  callApi('POST').catch(showError);
});
element('sign-out').addEventListener('click', () => {
  // RP-initiated logout: the end_session_endpoint with id_token_hint, post_logout_redirect_uri and
  // a state (given state data, oidc-client-ts sends one and checks it on /signed-out); the user
  // is removed from sessionStorage first.
  userManager.signoutRedirect({ state: { from: location.pathname } }).catch(showError);
});

try {
  if (location.pathname === '/callback') {
    // Checks state, redeems the code with the PKCE verifier, checks the ID token's nonce.
    const user = await userManager.signinRedirectCallback();
    history.replaceState(null, '', '/');
    render(user);
  } else if (location.pathname === '/signed-out') {
    // Checks the state that Realmkit sent back.
    await userManager.signoutRedirectCallback();
    history.replaceState(null, '', '/');
    render(null);
    showStatus('You are signed out.');
  } else {
    render(await userManager.getUser());
  }
} catch (error) {
  render(null);
  showError(error);
}
