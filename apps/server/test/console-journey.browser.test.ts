import { randomBytes } from 'node:crypto';
import { MANAGEMENT_SCOPES } from '@realmkit/contract';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshotPath } from './support/chromium.ts';
import { createRealmAdmin } from './support/console.ts';
import {
  type ConsoleFixture,
  expectNoSeriousViolations,
  focusedField,
  openMasterConsole,
  signInToConsole,
  startConsoleFixture,
} from './support/console-browser.ts';

/**
 * The console from end to end, as the issue tells it: a master admin signs in with the keyboard,
 * creates a realm, a user, a role and an application in it, gives the user the role, finds each
 * of those writes in the realm's audit log with the admin as actor, and signs out; then a viewer
 * of that realm sees the user and cannot save.
 */
let fixture: ConsoleFixture | undefined;
const realmName = `journey-${randomBytes(4).toString('hex')}`;
const email = `ada@${realmName}.example`;

beforeAll(async () => {
  fixture = await startConsoleFixture('journey');
});
afterAll(() => fixture?.close());

function setup(): ConsoleFixture {
  if (!fixture) throw new Error('no console fixture (no Chromium)');
  return fixture;
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const section = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();

describe.skipIf(!hasChromium)('the console, end to end', () => {
  it('a master admin creates a realm, a user, a role and an application, assigns the role, reads the audit log, signs out', async () => {
    const { server, master, url } = setup();
    const admin = await createRealmAdmin(server, master, 'master', MANAGEMENT_SCOPES);
    const { page, expectClean } = await openMasterConsole(setup(), admin, '/realms');
    page.setDefaultTimeout(10_000);

    await page.getByRole('button', { name: 'New realm' }).click();
    await page.getByLabel('Name', { exact: true }).fill(realmName);
    await page.getByLabel('Display name').fill('Journey Inc.');
    await page.getByRole('button', { name: 'Create realm' }).click();
    await expect.poll(() => heading(page).textContent()).toBe(`Realm ${realmName}`);

    await section(page, 'Users');
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => heading(page).textContent()).toBe(email);
    const userPage = page.url();

    await section(page, 'Roles');
    await page.getByRole('button', { name: 'New role' }).click();
    await expect.poll(() => focusedField(page)).toBe('name');
    await page.keyboard.type('support');
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Role support');

    await section(page, 'Applications');
    await page.getByRole('button', { name: 'New application' }).click();
    await expect.poll(() => focusedField(page)).toBe('name');
    await page.keyboard.type('Helpdesk');
    await page.getByLabel('Machine to machine').check();
    await page.getByRole('button', { name: 'Create application' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Helpdesk is created' }).textContent())
      .toContain('you will not see it again');

    await page.goto(userPage);
    await page.getByLabel('Role to assign').selectOption({ label: 'support' });
    await page.getByRole('button', { name: 'Assign role' }).click();
    await page.getByText('Assigned the role support.').waitFor();

    await section(page, 'Audit log');
    const log = page.getByRole('table');
    const wanted = ['user.created', 'role.created', 'application.created', 'user.roles_assigned'];
    await expect.poll(() => log.textContent()).toContain('user.roles_assigned');
    const text = (await log.textContent()) as string;
    for (const action of wanted) expect(text).toContain(action);
    // The writes were the admin's, through the console: the realm's log says so.
    const entries = await server.expectCall(200, 'GET', `/api/v1/${realmName}/audit-logs`, { token: master });
    expect(
      entries
        .filter((entry: { action: string }) => wanted.includes(entry.action))
        .map((entry: { actor: { user_id: string | null } }) => entry.actor.user_id),
    ).toEqual([admin.id, admin.id, admin.id, admin.id]);
    await expectNoSeriousViolations(page, 'audit log');
    await page.screenshot({ path: screenshotPath('console-journey-audit-log.png') });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${url}/oauth2/master/authorize?**`);
    await page.locator('#identifier').waitFor();
    expectClean();
  });

  it("a viewer of the realm sees the user in the realm's own console and cannot save", async () => {
    const { server, master } = setup();
    const viewer = await createRealmAdmin(server, master, realmName, [
      'users:read',
      'applications:read',
      'roles:read',
      'resources:read',
      'audit-logs:read',
    ]);
    const { page, expectClean } = await signInToConsole(setup(), {
      realm: realmName,
      user: viewer,
      path: `/realms/${realmName}/users`,
    });
    page.setDefaultTimeout(10_000);
    await page.getByRole('link', { name: email }).click();
    await expect.poll(() => heading(page).textContent()).toBe(email);
    expect(await page.getByRole('button', { name: 'Save profile' }).isDisabled()).toBe(true);
    await page.getByText('needs users:write').first().waitFor();
    await expectNoSeriousViolations(page, 'user, read only');
    expectClean();
  });
});
