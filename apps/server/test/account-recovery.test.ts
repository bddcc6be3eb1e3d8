import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmails, type TestEmails } from './support/emails.ts';
import {
  CookieJar,
  loginFormOf,
  pkce,
  type SignInRealm,
  signInForTokens,
  signInRealm,
  startSignInServer,
  submitLogin,
} from './support/sign-in.ts';
import type { ReceivedEmail } from './support/smtp-test-server.ts';
import { TestClock } from './support/test-clock.ts';
import type { TestServer } from './support/test-server.ts';

/**
 * Forgotten passwords, end to end over HTTP: the login page's link, the form, the email through a
 * real SMTP server (the outbox and the notifier), and the page its link opens; and the Management
 * API's routes that send the same email.
 */
const clock = new TestClock();
let server: TestServer;
let setup: SignInRealm;
let emails: TestEmails;
let issuer: string;

beforeAll(async () => {
  server = await startSignInServer({ clock: clock.now });
  setup = await signInRealm(server, 'recovery');
  issuer = `${server.url}/oauth2/${setup.realm.name}`;
  emails = await startTestEmails(server, setup.realm.id);
});
afterAll(async () => {
  await emails?.close();
  await server?.close();
});

function authorizeUrl(challenge = pkce().challenge): string {
  const query = new URLSearchParams({
    client_id: setup.spa.clientId,
    redirect_uri: setup.spa.redirectUri,
    response_type: 'code',
    scope: 'openid offline_access',
    state: 'xyz',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${issuer}/authorize?${query}`;
}

const decode = (text: string) =>
  text.replaceAll('&#x3D;', '=').replaceAll('&#x2F;', '/').replaceAll('&amp;', '&').replaceAll('&#39;', "'");

function hrefOf(html: string, text: string): string {
  const href = new RegExp(`<a href="([^"]+)">${text}</a>`).exec(html)?.[1];
  if (!href) throw new Error(`no "${text}" link in ${html.slice(0, 400)}`);
  return new URL(decode(href), server.url).href;
}

function post(jar: CookieJar, action: string, fields: Record<string, string>): Promise<Response> {
  return jar.fetch(new URL(action, server.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(server.url).origin },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The reset link of email `count` to `address` (its text part). */
const resetLinkFor = (address: string, count = 1) => emails.linkIn(address, '/reset-password', count);

/** Opens the forgot-password form from a login page, and asks for `identifier`; returns the answer's page. */
async function askForReset(jar: CookieJar, identifier: string): Promise<{ status: number; html: string }> {
  const login = await jar.fetch(authorizeUrl());
  const forgot = await jar.fetch(hrefOf(await login.text(), 'Forgot password\\?'));
  expect(forgot.status).toBe(200);
  const form = loginFormOf(await forgot.text());
  const answer = await post(jar, form.action, { interaction: form.interaction, identifier });
  return { status: answer.status, html: await answer.text() };
}

/** A new user of the realm, signed up through the Management API. */
async function newUser(password = `first pass ${randomBytes(3).toString('hex')}`) {
  const email = `reset-${randomBytes(4).toString('hex')}@example.com`;
  const user = await server.expectCall(201, 'POST', `/api/v1/${setup.realm.name}/users`, {
    token: setup.admin,
    json: { email, password },
  });
  return { id: user.id as string, email, password };
}

/** Signs `user` in through the login page: the browser (with its session) and a refresh token. */
async function signInWithTokens(user: { email: string; password: string }) {
  const jar = new CookieJar();
  const tokens = await signInForTokens(
    server,
    setup,
    jar,
    { identifier: user.email, password: user.password },
    authorizeUrl,
  );
  return { jar, refreshToken: tokens.refresh_token };
}

function refresh(refreshToken: string) {
  return server.call('POST', `/oauth2/${setup.realm.name}/token`, {
    form: { grant_type: 'refresh_token', client_id: setup.spa.clientId, refresh_token: refreshToken },
  });
}

describe('forgot password: the login page, the form, the email, the page', () => {
  it('sets a new password from the emailed link; the old one, its sessions and refresh tokens stop working, the link works once', async () => {
    const user = await newUser();
    const before = await signInWithTokens(user);
    const jar = new CookieJar();
    const asked = await askForReset(jar, user.email.toUpperCase());
    expect(asked.status).toBe(200);
    expect(asked.html).toContain('Check your email');
    // "Back to sign in" leads to the login page of the same request.
    const back = await jar.fetch(hrefOf(asked.html, 'Back to sign in'));
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('name="password"');

    const link = await resetLinkFor(user.email);
    const email = emails.smtp.to(user.email)[0] as ReceivedEmail;
    expect(email.subject).toBe(`Reset your password for ${setup.realm.name}`);
    expect(link.startsWith(`${issuer}/reset-password?token=`)).toBe(true);
    expect(decode(email.html)).toContain(`href="${link}"`);

    const browser = new CookieJar();
    const page = await browser.fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(user.email);
    expect(html.match(/autocomplete="new-password"/g)).toHaveLength(2);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const form = loginFormOf(html);

    const mismatch = await post(browser, form.action, {
      interaction: form.interaction,
      password: 'a brand new secret',
      confirmation: 'a brand new secreT',
    });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('The two passwords are not the same.');
    const short = await post(browser, form.action, {
      interaction: form.interaction,
      password: 'short',
      confirmation: 'short',
    });
    expect(short.status).toBe(422);
    expect(await short.text()).toContain('Must be at least 8 characters');

    const newPassword = 'a brand new secret';
    const done = await post(browser, form.action, {
      interaction: form.interaction,
      password: newPassword,
      confirmation: newPassword,
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your password is set');
    // Every session and refresh token of the user ended with it.
    expect((await refresh(before.refreshToken)).body.error).toBe('invalid_grant');
    expect((await before.jar.fetch(authorizeUrl())).status).toBe(200);

    const old = await submitLogin(new CookieJar(), server.url, authorizeUrl(), {
      identifier: user.email,
      password: user.password,
    });
    expect(old.status).toBe(401);
    const signedIn = await submitLogin(new CookieJar(), server.url, authorizeUrl(), {
      identifier: user.email,
      password: newPassword,
    });
    expect(signedIn.status).toBe(303);
    // Following the link proved the address.
    const after = await server.expectCall(200, 'GET', `/api/v1/${setup.realm.name}/users/${user.id}`, {
      token: setup.admin,
    });
    expect(after.email_verified).toBe(true);

    // Used up: the page and its form both refuse it now.
    const again = await new CookieJar().fetch(link);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('used already');
    const replay = await post(browser, form.action, {
      interaction: form.interaction,
      password: 'yet another secret',
      confirmation: 'yet another secret',
    });
    expect(replay.status).toBe(409);
  });

  it('answers the same for an unknown account, and sends nothing', async () => {
    const known = await newUser();
    const unknown = `nobody-${randomBytes(4).toString('hex')}@example.com`;
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '').replace(/href="[^"]*"/g, '');
    const forUnknown = await askForReset(new CookieJar(), unknown);
    const forKnown = await askForReset(new CookieJar(), known.email);
    expect(forUnknown.status).toBe(forKnown.status);
    expect(strip(forUnknown.html)).toBe(strip(forKnown.html));
    await resetLinkFor(known.email);
    expect(emails.smtp.to(unknown)).toHaveLength(0);
  });

  it('sends at most one email a minute to a user, whoever asks', async () => {
    const user = await newUser();
    await askForReset(new CookieJar(), user.email);
    await resetLinkFor(user.email);
    const second = await askForReset(new CookieJar(), user.email);
    expect(second.status).toBe(200);
    await server.expectCall(429, 'POST', `/api/v1/${setup.realm.name}/users/${user.id}/password-reset-email`, {
      token: setup.admin,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(emails.smtp.to(user.email)).toHaveLength(1);
  });

  it('refuses a link past 30 minutes, an altered one, and one whose user changed their email', async () => {
    const user = await newUser();
    await server.expectCall(202, 'POST', `/api/v1/${setup.realm.name}/users/${user.id}/password-reset-email`, {
      token: setup.admin,
    });
    const link = await resetLinkFor(user.email);
    const altered = `${link.slice(0, -3)}xyz`;
    expect((await fetch(altered)).status).toBe(400);
    expect((await fetch(`${issuer}/reset-password`)).status).toBe(400);
    // Another realm's page does not take this realm's link.
    expect((await fetch(link.replace(`/oauth2/${setup.realm.name}/`, '/oauth2/master/'))).status).toBe(400);

    const other = await newUser();
    await server.expectCall(202, 'POST', `/api/v1/${setup.realm.name}/users/${other.id}/password-reset-email`, {
      token: setup.admin,
    });
    const otherLink = await resetLinkFor(other.email);
    await server.expectCall(200, 'PATCH', `/api/v1/${setup.realm.name}/users/${other.id}`, {
      token: setup.admin,
      json: { email: `moved-${other.email}` },
    });
    const moved = await fetch(otherLink);
    expect(moved.status).toBe(409);
    expect(await moved.text()).toContain('no longer has this email address');

    clock.advance(31 * 60 * 1000);
    const expired = await fetch(link);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('expired');
  });
});

describe('password reset emails through the Management API', () => {
  it('queues the email (202), 404 for an unknown user, and needs users:write', async () => {
    const user = await newUser();
    const base = `/api/v1/${setup.realm.name}/users`;
    await server.expectCall(202, 'POST', `${base}/${user.id}/password-reset-email`, { token: setup.admin });
    await resetLinkFor(user.email);
    await server.expectCall(404, 'POST', `${base}/0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20/password-reset-email`, {
      token: setup.admin,
    });
    const reader = await server.token(
      setup.realm.name,
      await server.createRealmClient(setup.realm.name, ['users:read']),
    );
    await server.expectCall(403, 'POST', `${base}/${user.id}/password-reset-email`, { token: reader });
  });

  it('by realm name too: POST /api/users/{userId}/reset-password-email', async () => {
    const user = await newUser();
    await server.expectCall(202, 'POST', `/api/users/${user.id}/reset-password-email`, { token: setup.admin });
    const link = await resetLinkFor(user.email);
    expect((await fetch(link)).status).toBe(200);
  });
});

describe('require_verified_email: a sign-in held until the email is verified', () => {
  beforeAll(() =>
    server.expectCall(200, 'PATCH', `/api/v1/realms/${setup.realm.id}`, {
      token: setup.admin,
      json: { require_verified_email: true },
    }),
  );
  afterAll(() =>
    server.expectCall(200, 'PATCH', `/api/v1/realms/${setup.realm.id}`, {
      token: setup.admin,
      json: { require_verified_email: false },
    }),
  );

  const verifyLinkFor = (address: string) => emails.linkIn(address, '/verify-email');

  async function heldSignIn(user: { email: string; password: string }) {
    const jar = new CookieJar();
    const held = await submitLogin(jar, server.url, authorizeUrl(), {
      identifier: user.email,
      password: user.password,
    });
    expect(held.status).toBe(200);
    const html = await held.text();
    expect(html).toContain('Verify your email');
    expect(html).toContain(`We sent a link to ${user.email}`);
    return { jar, form: loginFormOf(html) };
  }

  it('holds the user, and the link followed in the same browser goes on to the application', async () => {
    const user = await newUser();
    const { jar, form } = await heldSignIn(user);
    const link = await verifyLinkFor(user.email);
    expect(link.startsWith(`${issuer}/verify-email?token=`)).toBe(true);

    const early = await post(jar, form.action, { interaction: form.interaction, action: 'continue' });
    expect(early.status).toBe(200);
    expect(await early.text()).toContain('not verified yet');

    const followed = await jar.fetch(link);
    expect(followed.status).toBe(303);
    const location = new URL(followed.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe(setup.spa.redirectUri);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('code')).toBeTruthy();
    // Signed in now: the next authorization goes through on the session.
    expect((await jar.fetch(authorizeUrl())).status).toBe(303);
  });

  it('verified on another device, Continue goes on; Send again waits a minute', async () => {
    const user = await newUser();
    const { jar, form } = await heldSignIn(user);
    const link = await verifyLinkFor(user.email);
    const again = await post(jar, form.action, { interaction: form.interaction, action: 'send' });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('less than a minute ago');

    const phone = await new CookieJar().fetch(link);
    expect(phone.status).toBe(200);
    expect(await phone.text()).toContain('is verified');
    const continued = await post(jar, form.action, { interaction: form.interaction, action: 'continue' });
    expect(continued.status).toBe(303);
    expect(new URL(continued.headers.get('location') as string).searchParams.get('code')).toBeTruthy();
  });

  it('lets a verified user straight through, and answers prompt=none with interaction_required for an unverified one', async () => {
    const verified = await newUser();
    await server.expectCall(200, 'PATCH', `/api/v1/${setup.realm.name}/users/${verified.id}`, {
      token: setup.admin,
      json: { email_verified: true },
    });
    const straight = await submitLogin(new CookieJar(), server.url, authorizeUrl(), {
      identifier: verified.email,
      password: verified.password,
    });
    expect(straight.status).toBe(303);

    // A session from before the realm required verification is held too.
    const user = await newUser();
    await server.expectCall(200, 'PATCH', `/api/v1/realms/${setup.realm.id}`, {
      token: setup.admin,
      json: { require_verified_email: false },
    });
    const jar = new CookieJar();
    expect(
      (await submitLogin(jar, server.url, authorizeUrl(), { identifier: user.email, password: user.password })).status,
    ).toBe(303);
    await server.expectCall(200, 'PATCH', `/api/v1/realms/${setup.realm.id}`, {
      token: setup.admin,
      json: { require_verified_email: true },
    });
    const silent = await jar.fetch(`${authorizeUrl()}&prompt=none`);
    expect(silent.status).toBe(303);
    expect(new URL(silent.headers.get('location') as string).searchParams.get('error')).toBe('interaction_required');
    const shown = await jar.fetch(authorizeUrl());
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('Verify your email');
  });
});
