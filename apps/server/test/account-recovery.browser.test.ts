import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, isLocal, launchChromium, screenshotPath, watchPage } from './support/chromium.ts';
import { startTestEmails, type TestEmails } from './support/emails.ts';
import { type SignInRealm, signInRealm, startSignInServer } from './support/sign-in.ts';
import type { TestServer } from './support/test-server.ts';

/**
 * The account pages in Chromium, with the emails through a real SMTP server: a forgotten password
 * set again from the emailed link, and a sign-in held until the emailed verification link is
 * followed, which then lands on the application.
 */
let server: TestServer;
let app: Server | undefined;
let appUrl = '';
let browser: Browser | undefined;
let emails: TestEmails;
let setup: SignInRealm;

beforeAll(async () => {
  if (!hasChromium) return;
  server = await startSignInServer();
  setup = await signInRealm(server, 'accounts');
  app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Notes</h1>'));
  await new Promise<void>((resolve) => app?.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  await server.expectCall(200, 'PATCH', `/api/v1/${setup.realm.name}/applications/${setup.spa.applicationId}`, {
    token: setup.admin,
    json: { redirect_uris: [`${appUrl}/callback`] },
  });
  emails = await startTestEmails(server, setup.realm.id);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await emails?.close();
  await new Promise((resolve) => app?.close(resolve));
  await server?.close();
});

function authorizeUrl(state: string): string {
  return `${server.url}/oauth2/${setup.realm.name}/authorize?${new URLSearchParams({
    client_id: setup.spa.clientId,
    redirect_uri: `${appUrl}/callback`,
    response_type: 'code',
    scope: 'openid email',
    state,
    code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
    code_challenge_method: 'S256',
  })}`;
}

async function newUser(fields: Record<string, unknown> = {}) {
  const email = `person-${randomBytes(4).toString('hex')}@example.com`;
  const password = `first pass ${randomBytes(3).toString('hex')}`;
  const user = await server.expectCall(201, 'POST', `/api/v1/${setup.realm.name}/users`, {
    token: setup.admin,
    json: { email, password, ...fields },
  });
  return { id: user.id as string, email, password };
}

describe.skipIf(!hasChromium)('account pages in Chromium', () => {
  it('a forgotten password: the link on the login page, the email, the new password, and sign-in with it', async () => {
    const user = await newUser({ email_verified: true });
    const page = await (browser as Browser).newPage({ viewport: { width: 1024, height: 720 } });
    const seen = watchPage(page);
    await page.goto(authorizeUrl('forgot'));
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByLabel('Email or username').fill(user.email);
    await page.screenshot({ path: screenshotPath('forgot-password.png') });
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect.poll(() => page.textContent('h1')).toBe('Check your email');

    await page.goto(await emails.linkIn(user.email, '/reset-password'));
    await page.getByLabel('New password', { exact: true }).fill('my new passphrase');
    await page.getByLabel('Confirm the new password').fill('my new passphrase');
    await page.screenshot({ path: screenshotPath('reset-password.png') });
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => page.textContent('h1')).toBe('Your password is set');

    await page.goto(authorizeUrl('after-reset'));
    await page.getByLabel('Email or username').fill(user.email);
    await page.getByLabel('Password').fill('my new passphrase');
    await Promise.all([
      page.waitForURL(`${appUrl}/callback?**`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(new URL(page.url()).searchParams.get('state')).toBe('after-reset');
    expect(seen.problems).toEqual([]);
    expect(seen.requests.filter((url) => !isLocal(url))).toEqual([]);
    await page.close();
  });

  it('an unverified user is held at the verify page until the emailed link is followed, then lands on the app', async () => {
    await server.expectCall(200, 'PATCH', `/api/v1/realms/${setup.realm.id}`, {
      token: setup.admin,
      json: { require_verified_email: true },
    });
    try {
      const user = await newUser();
      const page = await (browser as Browser).newPage({ viewport: { width: 1024, height: 720 } });
      const seen = watchPage(page);
      await page.goto(authorizeUrl('held'));
      await page.getByLabel('Email or username').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.textContent('h1')).toBe('Verify your email');
      await page.screenshot({ path: screenshotPath('email-not-verified.png') });
      // Continue without the link: still held.
      await page.getByRole('button', { name: 'I have verified it, continue' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('not verified yet');
      expect(page.url().startsWith(appUrl)).toBe(false);

      // The link, followed in this browser, verifies the email and goes on to the application.
      const link = await emails.linkIn(user.email, '/verify-email');
      await Promise.all([page.waitForURL(`${appUrl}/callback?**`), page.goto(link)]);
      const landed = new URL(page.url());
      expect(landed.searchParams.get('state')).toBe('held');
      expect(landed.searchParams.get('code')).toBeTruthy();
      expect(seen.problems).toEqual([]);
      expect(seen.requests.filter((url) => !isLocal(url))).toEqual([]);
      await page.close();
    } finally {
      await server.expectCall(200, 'PATCH', `/api/v1/realms/${setup.realm.id}`, {
        token: setup.admin,
        json: { require_verified_email: false },
      });
    }
  });
});
