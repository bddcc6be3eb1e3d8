import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, isLocal, launchChromium, screenshotPath, watchPage } from './support/chromium.ts';
import { type SignInRealm, signInRealm, startSignInServer } from './support/sign-in.ts';
import type { TestServer } from './support/test-server.ts';

/**
 * A person signs in through the login page in Chromium (support/chromium.ts): a wrong password,
 * then the right one typed and sent with the keyboard, and the browser lands on the application's
 * redirect URI (a page served on loopback here) with a code that gives their tokens.
 */
let server: TestServer | undefined;
let app: Server | undefined;
let appUrl = '';
let browser: Browser | undefined;
let setup: SignInRealm;

beforeAll(async () => {
  if (!hasChromium) return;
  server = await startSignInServer();
  setup = await signInRealm(server, 'browser');
  // The application: its callback page only says that it was reached.
  app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Notes</h1>'));
  await new Promise<void>((resolve) => app?.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  await server.expectCall(200, 'PATCH', `/api/v1/${setup.realm.name}/applications/${setup.spa.applicationId}`, {
    token: setup.admin,
    json: { redirect_uris: [`${appUrl}/callback`] },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => app?.close(resolve));
  await server?.close();
});

describe.skipIf(!hasChromium)('sign-in in Chromium', () => {
  it('signs a user in with the keyboard and lands on the redirect URI with a code', async () => {
    const runningServer = server as TestServer;
    const issuer = `${runningServer.url}/oauth2/${setup.realm.name}`;
    const verifier = randomBytes(32).toString('base64url');
    const redirectUri = `${appUrl}/callback`;
    const authorize = `${issuer}/authorize?${new URLSearchParams({
      client_id: setup.spa.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid profile email',
      state: 'browser-state',
      nonce: 'browser-nonce',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    })}`;

    const page = await (browser as Browser).newPage({ viewport: { width: 1024, height: 720 } });
    const seen = watchPage(page);
    expect((await page.goto(authorize))?.status()).toBe(200);
    await page.screenshot({ path: screenshotPath('login.png') });

    // A wrong password: the page says so, in words that do not tell whether the account exists.
    await page.getByLabel('Email or username').fill(setup.user.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not correct');
    expect(await page.getByLabel('Email or username').inputValue()).toBe(setup.user.email);
    await page.screenshot({ path: screenshotPath('login-error.png') });

    // The right one, typed and sent with Enter from the password field.
    await page.getByLabel('Password').fill(setup.user.password);
    await Promise.all([page.waitForURL(`${redirectUri}?**`), page.getByLabel('Password').press('Enter')]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('browser-state');
    expect(landed.searchParams.get('iss')).toBe(issuer);
    expect(await page.textContent('h1')).toBe('Notes');

    const tokens = await runningServer.call('POST', `/oauth2/${setup.realm.name}/token`, {
      form: {
        grant_type: 'authorization_code',
        client_id: setup.spa.clientId,
        code: landed.searchParams.get('code') as string,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      },
    });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.id_token)).toMatchObject({
      sub: setup.user.id,
      nonce: 'browser-nonce',
      email: setup.user.email,
    });

    // The session cookie: a second visit signs in without the form.
    await page.goto(authorize.replace('browser-state', 'second'));
    await page.waitForURL(`${redirectUri}?**`);
    expect(new URL(page.url()).searchParams.get('state')).toBe('second');

    expect(seen.problems).toEqual([]);
    expect(seen.requests.filter((url) => !isLocal(url))).toEqual([]);
  });
});
