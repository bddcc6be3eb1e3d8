// The SPA's sign-in in a real browser, for demo.sh: Debian's Chromium (never a downloaded one),
// driven by playwright-core. A person's steps: sign in on Realmkit's login page (a wrong password
// first), read the claims, call the API, sign out, and find Realmkit's session ended. No request
// may leave this machine.
//
// Reads SPA_URL, ISSUER, CLIENT_ID, USER_ID, USER_EMAIL, USER_NAME, USER_PASSWORD, API_URL, API_AUDIENCE,
// API_SCOPE (the scope the user's role holds), API_MISSING_SCOPE (one it lacks); CHROMIUM_PATH (default
// /usr/bin/chromium) and SCREENSHOT (a PNG of the signed-in page) are optional.
// Prints `ok  <step>` per passed step; at the first failure `FAIL <step>: <why>` and exits 1.
import { type Browser, chromium, type Page } from 'playwright-core';

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`error: set ${name}`);
    process.exit(2);
  }
  return value;
}

const SPA_URL = env('SPA_URL').replace(/\/+$/, '');
const ISSUER = env('ISSUER');
const CLIENT_ID = env('CLIENT_ID');
const USER_ID = env('USER_ID');
const USER_EMAIL = env('USER_EMAIL');
const USER_NAME = env('USER_NAME');
const USER_PASSWORD = env('USER_PASSWORD');
const API_URL = env('API_URL').replace(/\/+$/, '');
const API_AUDIENCE = env('API_AUDIENCE');
const API_SCOPE = env('API_SCOPE');
const API_MISSING_SCOPE = env('API_MISSING_SCOPE');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT = 20_000;

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A request that stays on this machine: loopback http(s), or data:/blob: inside the page. */
function isLocal(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOCAL_HOSTS.has(parsed.hostname);
}

class StepFailed extends Error {}

let step = '';

function check(condition: unknown, why: string): asserts condition {
  if (!condition) throw new StepFailed(why);
}

/** Runs one step: prints `ok  <name>` when `body` finishes without throwing. */
async function run(name: string, body: () => Promise<void>): Promise<void> {
  step = name;
  await body();
  console.log(`ok  ${name}`);
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent({ timeout: TIMEOUT })) ?? '';
}

async function waitForText(page: Page, selector: string, expected: string): Promise<void> {
  try {
    await page.locator(selector, { hasText: expected }).waitFor({ state: 'visible', timeout: TIMEOUT });
  } catch {
    throw new StepFailed(`expected ${selector} to show '${expected}', it shows '${await text(page, selector)}'`);
  }
}

const refused: string[] = [];
const problems: string[] = [];
const requests: URL[] = [];
let browser: Browser | undefined;
let page: Page | undefined;

try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // The flags that work on these machines (no sandbox as root, no background calls home).
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-quic',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
  // Anything bound for another host is aborted before it leaves (and fails the run below).
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    refused.push(url);
    return route.abort('blockedbyclient');
  });
  const current: Page = await context.newPage();
  page = current;
  current.setDefaultTimeout(TIMEOUT);
  current.on('request', (request) => requests.push(new URL(request.url())));
  current.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  current.on('console', (message) => {
    // A request the Content-Security-Policy blocked never reaches the 'request' event. (The
    // expected 401 and 403 answers are console errors too: those are not problems.)
    if (message.text().includes('Content Security Policy')) problems.push(`console: ${message.text()}`);
  });

  const lastRequestTo = (endpoint: string): URL => {
    const found = requests.findLast((url) => url.href.startsWith(`${ISSUER}${endpoint}`));
    check(found, `no request to ${ISSUER}${endpoint}`);
    return found;
  };

  await run(`GET ${SPA_URL}/ (not signed in)`, async () => {
    const response = await current.goto(`${SPA_URL}/`);
    check(response?.status() === 200, `expected status 200, got ${response?.status()}`);
    await waitForText(current, '#status', 'You are not signed in.');
    await current.locator('#sign-in').waitFor({ state: 'visible' });
  });

  await run(`Sign in → ${ISSUER}/authorize: Realmkit's login page`, async () => {
    await current.locator('#sign-in').click();
    await current.getByLabel('Email or username').waitFor({ state: 'visible' });
    check(current.url().startsWith(ISSUER), `expected a page of ${ISSUER}, got ${current.url()}`);
    const authorize = lastRequestTo('/authorize').searchParams;
    const expected: Record<string, string> = {
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${SPA_URL}/callback`,
      code_challenge_method: 'S256',
      resource: API_AUDIENCE,
    };
    for (const [name, value] of Object.entries(expected)) {
      check(authorize.get(name) === value, `expected ${name}=${value} in the authorization request`);
    }
    for (const name of ['code_challenge', 'state', 'nonce']) {
      check(authorize.get(name), `expected ${name} in the authorization request`);
    }
    check(authorize.get('scope')?.split(' ').includes('openid'), 'expected scope to contain openid');
  });

  await run('POST login with a wrong password: 401 and an alert', async () => {
    await current.getByLabel('Email or username').fill(USER_EMAIL);
    await current.getByLabel('Password').fill(`${USER_PASSWORD}-wrong`);
    const [response] = await Promise.all([
      current.waitForResponse((r) => r.url().startsWith(`${ISSUER}/login`) && r.request().method() === 'POST'),
      current.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    check(response.status() === 401, `expected status 401, got ${response.status()}`);
    await current.getByRole('alert').waitFor({ state: 'visible' });
  });

  await run('POST login with the right password → the SPA, signed in', async () => {
    await current.getByLabel('Email or username').fill(USER_EMAIL);
    await current.getByLabel('Password').fill(USER_PASSWORD);
    await current.getByRole('button', { name: 'Sign in' }).click();
    await current.locator('#signed-in').waitFor({ state: 'visible' });
    check(current.url() === `${SPA_URL}/`, `expected ${SPA_URL}/ (the callback's code removed), got ${current.url()}`);
    await waitForText(current, '#status', 'You are signed in');
  });

  await run("the ID token's claims: sub, iss, aud, email, name", async () => {
    const claims = JSON.parse(await text(current, '#claims')) as Record<string, unknown>;
    check(claims.sub === USER_ID, `expected sub ${USER_ID}, got ${String(claims.sub)}`);
    check(claims.iss === ISSUER, `expected iss ${ISSUER}, got ${String(claims.iss)}`);
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    check(aud.includes(CLIENT_ID), `expected aud to include ${CLIENT_ID}, got ${JSON.stringify(claims.aud)}`);
    // The profile and email scopes' claims (OIDC Core §5.4).
    check(claims.email === USER_EMAIL, `expected email ${USER_EMAIL}, got ${String(claims.email)}`);
    check(claims.name === USER_NAME, `expected name ${USER_NAME}, got ${String(claims.name)}`);
  });

  await run(`the access token's scope has ${API_SCOPE}, not ${API_MISSING_SCOPE}`, async () => {
    const scopes = (await text(current, '#token-scope')).split(' ');
    check(scopes.includes(API_SCOPE), `expected ${API_SCOPE} in '${scopes.join(' ')}'`);
    check(!scopes.includes(API_MISSING_SCOPE), `expected no ${API_MISSING_SCOPE} in '${scopes.join(' ')}'`);
  });

  if (process.env.SCREENSHOT) await current.screenshot({ path: process.env.SCREENSHOT, fullPage: true });

  await run(`GET ${API_URL}/posts with the user's access token: 200`, async () => {
    await current.locator('#call-api').click();
    await waitForText(current, '#api-status', '200');
    const body = JSON.parse(await text(current, '#api-body')) as { data?: unknown };
    check(Array.isArray(body.data), `expected { data: [...] }, got ${JSON.stringify(body)}`);
  });

  await run(`POST ${API_URL}/posts (needs ${API_MISSING_SCOPE}): 403 insufficient_scope`, async () => {
    await current.locator('#create-post').click();
    await waitForText(current, '#api-status', '403');
    const body = JSON.parse(await text(current, '#api-body')) as { error?: unknown };
    check(body.error === 'insufficient_scope', `expected error insufficient_scope, got ${JSON.stringify(body)}`);
  });

  await run(`Sign out → ${ISSUER}/logout → ${SPA_URL}/signed-out`, async () => {
    await current.locator('#sign-out').click();
    await waitForText(current, '#status', 'You are signed out.');
    const logout = requests.findLast((url) => url.pathname.endsWith('/logout') && url.href.startsWith(ISSUER));
    check(logout, `no request to the end_session_endpoint under ${ISSUER}`);
    check(logout.searchParams.get('id_token_hint'), 'expected id_token_hint in the logout request');
    const back = logout.searchParams.get('post_logout_redirect_uri');
    check(back === `${SPA_URL}/signed-out`, `expected post_logout_redirect_uri ${SPA_URL}/signed-out, got ${back}`);
    const state = logout.searchParams.get('state');
    check(state, 'expected a state in the logout request');
    const signedOut = requests.find((url) => url.href.startsWith(`${SPA_URL}/signed-out`));
    check(signedOut, 'expected Realmkit to send the browser back to /signed-out');
    check(signedOut.searchParams.get('state') === state, `expected state=${state} in ${signedOut.href}`);
  });

  await run('reload: still signed out (no user in sessionStorage)', async () => {
    await current.reload();
    await waitForText(current, '#status', 'You are not signed in.');
  });

  await run("Sign in again: Realmkit's login page (its session ended with the logout)", async () => {
    await current.locator('#sign-in').click();
    await current.getByLabel('Email or username').waitFor({ state: 'visible' });
    check(current.url().startsWith(ISSUER), `expected a page of ${ISSUER}, got ${current.url()}`);
  });

  await run('no request left this machine, no page error', async () => {
    check(refused.length === 0, `requests to other hosts: ${refused.join(', ')}`);
    check(problems.length === 0, problems.join('\n'));
  });
} catch (error) {
  const why = error instanceof StepFailed ? error.message : error instanceof Error ? error.stack : String(error);
  console.error(`FAIL ${step}: ${why}`);
  if (page) {
    // What a screen reader would read: the page's roles, names and texts.
    const shown = await page
      .locator('body')
      .ariaSnapshot({ timeout: 5_000 })
      .catch(() => '(unreadable)');
    console.error(`page ${page.url()}:\n${shown.slice(0, 3000)}`);
  }
  if (problems.length > 0) console.error(`browser problems:\n${problems.join('\n')}`);
  await browser?.close();
  process.exit(1);
}
await browser?.close();
