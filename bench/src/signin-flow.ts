// An OpenID Connect sign-in as a browser and a single-page application make it, in steps the
// bench's set-up (fetch) and the load generator (autocannon, load.ts) share: the authorization
// request with PKCE, the login page's form and cookie, the redirect's code, the code exchange,
// and the refresh_token grant. Nothing here knows Realmkit's paths: they come from discovery
// and from the login page itself.
import { createHash, randomBytes } from 'node:crypto';

/** What discovery says, and the client that signs in. */
export interface SignInClient {
  /** The issuer's origin, `http://127.0.0.1:port`. */
  origin: string;
  /** Paths (with no origin) of the authorization and token endpoints. */
  authorizePath: string;
  tokenPath: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  /** RFC 8707 resource indicator to ask for, if any. */
  resource?: string;
}

export interface User {
  identifier: string;
  password: string;
}

/** One sign-in's secrets: the PKCE verifier, state and nonce. */
export interface Attempt {
  verifier: string;
  state: string;
  nonce: string;
}

export function newAttempt(): Attempt {
  return {
    verifier: randomBytes(32).toString('base64url'),
    state: randomBytes(12).toString('base64url'),
    nonce: randomBytes(12).toString('base64url'),
  };
}

/** The authorization request's path and query (response_type=code, PKCE S256). */
export function authorizeRequestPath(client: SignInClient, attempt: Attempt): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: client.scope,
    state: attempt.state,
    nonce: attempt.nonce,
    code_challenge: createHash('sha256').update(attempt.verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(client.resource ? { resource: client.resource } : {}),
  });
  return `${client.authorizePath}?${query}`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos|#x([0-9a-f]+)|#(\d+));/gi, (whole, name: string, hex, dec) => {
    if (hex) return String.fromCodePoint(Number.parseInt(hex, 16));
    if (dec) return String.fromCodePoint(Number(dec));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The attributes of the first tag matching `tagPattern` (a regex source for the tag's start). */
function attributesOf(html: string, tagPattern: RegExp): Record<string, string> | undefined {
  const tag = tagPattern.exec(html)?.[0];
  if (!tag) return undefined;
  const attributes: Record<string, string> = {};
  for (const match of tag.matchAll(/([a-zA-Z_:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
    attributes[(match[1] as string).toLowerCase()] = decodeEntities(match[3] ?? match[4] ?? match[5] ?? '');
  }
  return attributes;
}

/** What the login page gives the browser to post its form: where, the hidden fields, the cookie. */
export interface LoginForm {
  /** Path (and query) the form posts to. */
  actionPath: string;
  /** Hidden inputs (`interaction`, and any other), to post back as they are. */
  hidden: Record<string, string>;
  /** The `Cookie` header the POST must carry: every cookie the page set, `name=value; ...`. */
  cookie: string;
}

/** `Set-Cookie` values (one string, an array, or undefined) as a `Cookie` request header. */
export function cookieHeader(setCookie: string | string[] | undefined): string {
  const values = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return values
    .map((value) => value.split(';')[0]?.trim() ?? '')
    .filter(Boolean)
    .join('; ');
}

/** The login page's form, or an error saying what it lacks. */
export function parseLoginPage(html: string, setCookie: string | string[] | undefined, pagePath: string): LoginForm {
  const form = attributesOf(html, /<form\b[^>]*>/i);
  if (!form) throw new Error('the login page has no <form>');
  if ((form.method ?? 'get').toLowerCase() !== 'post') throw new Error('the login form does not POST');
  const action = new URL(form.action ?? pagePath, `http://origin${pagePath}`);
  const hidden: Record<string, string> = {};
  for (const match of html.matchAll(/<input\b[^>]*>/gi)) {
    const input = attributesOf(match[0], /<input\b[^>]*>/i) ?? {};
    if ((input.type ?? '').toLowerCase() === 'hidden' && input.name) hidden[input.name] = input.value ?? '';
  }
  if (!('interaction' in hidden)) throw new Error('the login form has no hidden `interaction` input');
  const cookie = cookieHeader(setCookie);
  if (!cookie) throw new Error('the login page set no cookie');
  return { actionPath: `${action.pathname}${action.search}`, hidden, cookie };
}

/** The login form's body for `user`. */
export function loginBody(form: LoginForm, user: User): string {
  return new URLSearchParams({ ...form.hidden, identifier: user.identifier, password: user.password }).toString();
}

/** The code from the redirect's `Location`, checking `state` (and `iss` when given). */
export function codeFromRedirect(location: string | undefined, client: SignInClient, attempt: Attempt): string {
  if (!location) throw new Error('the redirect has no Location');
  const url = new URL(location, client.origin);
  const target = new URL(client.redirectUri);
  if (url.origin !== target.origin || url.pathname !== target.pathname) {
    throw new Error(`redirected to ${url.origin}${url.pathname}, not the client's redirect_uri`);
  }
  const error = url.searchParams.get('error');
  if (error) throw new Error(`the redirect carries error=${error} (${url.searchParams.get('error_description')})`);
  if (url.searchParams.get('state') !== attempt.state) throw new Error('the redirect’s state does not match');
  const code = url.searchParams.get('code');
  if (!code) throw new Error('the redirect carries no code');
  return code;
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;

/** The code exchange's body (a public client: client_id, no secret). */
export function codeExchangeBody(client: SignInClient, attempt: Attempt, code: string): string {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: attempt.verifier,
    client_id: client.clientId,
  }).toString();
}

/** The refresh_token grant's body (a public client). */
export function refreshBody(clientId: string, refreshToken: string): string {
  return new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: clientId,
  }).toString();
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  id_token?: string;
  refresh_token?: string;
  scope?: string;
  expires_in?: number;
}

/** A token response, checked: an access token always, an ID token and a refresh token as asked. */
export function parseTokenResponse(body: string, expect: { idToken: boolean; refreshToken: boolean }): TokenResponse {
  const json = JSON.parse(body) as TokenResponse;
  if (!json.access_token) throw new Error(`no access_token in ${body.slice(0, 200)}`);
  if (expect.idToken && !json.id_token) throw new Error(`no id_token in ${body.slice(0, 200)}`);
  if (expect.refreshToken && !json.refresh_token) throw new Error(`no refresh_token in ${body.slice(0, 200)}`);
  return json;
}

/** A JWT's header and payload, or undefined when the token is not a JWT. */
export function decodeJwt(
  token: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || signature === undefined) return undefined;
  try {
    return {
      header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
      payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
    };
  } catch {
    return undefined;
  }
}

/** The endpoints of `issuer` from its discovery document. */
export async function discover(issuer: string): Promise<{ authorizePath: string; tokenPath: string; origin: string }> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery of ${issuer}: ${response.status}`);
  const json = (await response.json()) as { authorization_endpoint: string; token_endpoint: string };
  const authorize = new URL(json.authorization_endpoint);
  const token = new URL(json.token_endpoint);
  return { origin: authorize.origin, authorizePath: authorize.pathname, tokenPath: token.pathname };
}

/**
 * One whole sign-in with fetch (the bench's set-up, and its check that the flow works before the
 * load): authorize → login page → POST the form with its cookie → 303 with a code → code exchange.
 */
export async function signIn(client: SignInClient, user: User): Promise<TokenResponse> {
  const attempt = newAttempt();
  const pagePath = authorizeRequestPath(client, attempt);
  const page = await fetch(`${client.origin}${pagePath}`, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`authorize: ${page.status} ${html.slice(0, 300)}`);
  const form = parseLoginPage(html, page.headers.getSetCookie(), pagePath);
  const login = await fetch(`${client.origin}${form.actionPath}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...FORM, cookie: form.cookie },
    body: loginBody(form, user),
  });
  const loginText = await login.text();
  if (login.status !== 303 && login.status !== 302)
    throw new Error(`login: ${login.status} ${loginText.slice(0, 300)}`);
  const code = codeFromRedirect(login.headers.get('location') ?? undefined, client, attempt);
  const token = await fetch(`${client.origin}${client.tokenPath}`, {
    method: 'POST',
    headers: FORM,
    body: codeExchangeBody(client, attempt, code),
  });
  const tokenText = await token.text();
  if (token.status !== 200) throw new Error(`code exchange: ${token.status} ${tokenText.slice(0, 300)}`);
  return parseTokenResponse(tokenText, {
    idToken: client.scope.split(' ').includes('openid'),
    refreshToken: client.scope.split(' ').includes('offline_access'),
  });
}

/** One refresh_token grant with fetch: the new token set (its refresh token replaces the old). */
export async function refresh(
  origin: string,
  tokenPath: string,
  clientId: string,
  refreshToken: string,
): Promise<TokenResponse> {
  const response = await fetch(`${origin}${tokenPath}`, {
    method: 'POST',
    headers: FORM,
    body: refreshBody(clientId, refreshToken),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`refresh_token grant: ${response.status} ${text.slice(0, 300)}`);
  return parseTokenResponse(text, { idToken: false, refreshToken: true });
}
