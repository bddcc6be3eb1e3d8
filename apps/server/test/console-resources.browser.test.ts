import { MANAGEMENT_SCOPES } from '@realmkit/contract';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshotPath } from './support/chromium.ts';
import { createRealmAdmin, type RealmAdmin } from './support/console.ts';
import {
  type ConsoleFixture,
  expectNoSeriousViolations,
  openMasterConsole,
  signInToConsole,
  startConsoleFixture,
} from './support/console-browser.ts';

/**
 * The console's API resources, signing keys and audit log screens in Chromium, signed in with the
 * keyboard: a realm admin's resources and scopes (created, edited over the version shown, deleted),
 * a master admin's key rotation, and the audit log those writes left, filtered from the address.
 */
let fixture: ConsoleFixture | undefined;
let masterAdmin: RealmAdmin;

beforeAll(async () => {
  fixture = await startConsoleFixture('console-res');
  if (!fixture) return;
  masterAdmin = await createRealmAdmin(fixture.server, fixture.master, 'master', MANAGEMENT_SCOPES);
});
afterAll(async () => {
  await fixture?.close();
});

/** The text describing a field that is marked invalid: its hint and its error. */
async function fieldProblem(page: Page, field: ReturnType<Page['getByLabel']>): Promise<string> {
  await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

/** The text of the element that has the focus (a button's accessible name, here). */
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');
/** The page's document, as the functions evaluated in it see it (this project compiles without the DOM library). */
declare const document: { activeElement: { textContent: string | null; tagName: string } | null };

describe.skipIf(!hasChromium)('console: API resources, signing keys, audit log', () => {
  it('API resources: the built-in one read-only; create (409 at its field), edit (422, 412 and Reload), scopes, delete', async () => {
    const { server, master, realm } = fixture as ConsoleFixture;
    const api = `/api/v1/${realm.name}`;
    await server.expectCall(201, 'POST', `${api}/resources`, {
      token: master,
      json: { name: 'Taken', indicator: 'https://taken.example' },
    });
    const { page, expectClean } = await signInToConsole(fixture as ConsoleFixture, {
      path: `/realms/${realm.name}/resources`,
    });

    const builtIn = page.getByRole('row', { name: /Management API/ });
    await expect.poll(() => builtIn.textContent()).toContain('Built in, read-only');
    await expectNoSeriousViolations(page, 'resources list');

    // Create: focus goes to the form; a taken indicator is refused at its field (409 details).
    await page.getByRole('button', { name: 'New API resource' }).click();
    const create = page.getByRole('region', { name: 'New API resource' });
    // The form opens with the focus in its first field.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('INPUT');
    await page.keyboard.type('Orders API');
    expect(await create.getByLabel('Name').inputValue()).toBe('Orders API');
    await create.getByLabel('Indicator').fill('https://taken.example');
    await create.getByRole('button', { name: 'Create API resource' }).click();
    expect(await fieldProblem(page, create.getByLabel('Indicator'))).toContain('already exists');
    await create.getByLabel('Indicator').fill('https://orders.example');
    await create.getByRole('button', { name: 'Create API resource' }).click();
    await page.waitForURL(`**/realms/${realm.name}/resources/*`);
    const id = page.url().split('/').at(-1) as string;
    await expect.poll(() => page.textContent('h1')).toBe('Orders API');

    // Edit: a 422 of the server lands at its field (the request altered on its way, past the form's check).
    const settings = page.getByRole('region', { name: 'Settings' });
    const resourceUrl = `${(fixture as ConsoleFixture).url}${api}/resources/${id}`;
    await page.route(resourceUrl, (route) =>
      route.request().method() === 'PATCH'
        ? route.continue({ postData: JSON.stringify({ access_token_ttl: 30 }) })
        : route.continue(),
    );
    await settings.getByLabel('Access token lifetime').fill('900');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    expect(await fieldProblem(page, settings.getByLabel('Access token lifetime'))).toMatch(/60/);
    await page.unroute(resourceUrl);
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => settings.getByRole('status').textContent()).toContain('Settings saved');

    // 412: changed behind the console's back; nothing is written, Reload shows the other change.
    await server.expectCall(200, 'PATCH', `${api}/resources/${id}`, {
      token: master,
      json: { name: 'Orders (renamed elsewhere)' },
    });
    await settings.getByLabel('Name').fill('Orders API v2');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    const changed = settings.getByRole('alert');
    await expect.poll(() => changed.textContent()).toContain('changed by someone else');
    await changed.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => settings.getByLabel('Name').inputValue()).toBe('Orders (renamed elsewhere)');
    expect((await server.expectCall(200, 'GET', `${api}/resources/${id}`, { token: master })).access_token_ttl).toBe(
      900,
    );

    // Scopes: add two (a taken name at its field), edit one, delete the other.
    const scopes = page.getByRole('region', { name: 'Scopes' });
    await scopes.getByRole('button', { name: 'Add scope' }).click();
    const add = page.getByRole('region', { name: 'New scope' });
    for (const [name, description] of [
      ['read:orders', 'Read orders'],
      ['write:orders', ''],
    ] as const) {
      await add.getByLabel('Name').fill(name);
      await add.getByLabel('Description (optional)').fill(description);
      await add.getByRole('button', { name: 'Add scope' }).click();
      await expect.poll(() => add.getByRole('status').textContent()).toContain(`Added ${name}`);
    }
    await add.getByLabel('Name').fill('read:orders');
    await add.getByRole('button', { name: 'Add scope' }).click();
    expect(await fieldProblem(page, add.getByLabel('Name'))).toContain('already has a scope');
    await add.getByRole('button', { name: 'Close' }).click();
    expect(await focusedText(page)).toBe('Add scope');

    await scopes.getByRole('button', { name: 'Edit the scope read:orders' }).click();
    const edit = page.getByRole('region', { name: /Edit the scope/ });
    await edit.getByLabel('Description').fill('Read every order');
    await edit.getByRole('button', { name: 'Save scope' }).click();
    await expect
      .poll(() => scopes.getByRole('row', { name: /read:orders/ }).textContent())
      .toContain('Read every order');
    expect(await focusedText(page)).toBe('Edit the scope read:orders');

    await scopes.getByRole('button', { name: 'Delete the scope write:orders' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete scope' }).click();
    await expect.poll(() => scopes.getByRole('row', { name: /write:orders/ }).count()).toBe(0);
    await expectNoSeriousViolations(page, 'API resource');
    await page.screenshot({ path: screenshotPath('console-resources.png'), fullPage: true });

    // Delete the resource, as last seen (its ETag moved with the Reload above: this one is current).
    await page.getByRole('button', { name: 'Delete API resource' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete API resource' }).click();
    await page.waitForURL(`**/realms/${realm.name}/resources`);
    await expect.poll(() => page.getByRole('row', { name: /Orders/ }).count()).toBe(0);
    await server.expectCall(404, 'GET', `${api}/resources/${id}`, { token: master });

    // The built-in Management API: its scopes listed, nothing to change.
    await builtIn.getByRole('link').click();
    await expect.poll(() => page.getByRole('row', { name: /users:read/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Add scope|Delete/ }).count()).toBe(0);
    expectClean();
    await page.close();
  });

  it('signing keys (a master admin): rotate to another algorithm after the confirmation; 412 after a realm change', async () => {
    const { server, master, realm } = fixture as ConsoleFixture;
    const { page, expectClean } = await openMasterConsole(
      fixture as ConsoleFixture,
      masterAdmin,
      `/realms/${realm.name}/keys`,
    );
    const keys = page.getByRole('table');
    await expect.poll(() => keys.getByRole('row').count()).toBe(2);
    expect(await keys.textContent()).toContain('Active');
    await expectNoSeriousViolations(page, 'signing keys');

    await page.getByRole('button', { name: 'Rotate key' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Tokens already issued keep verifying until they expire');
    await dialog.getByLabel('Algorithm of the new key').selectOption('ES256');
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    await expect.poll(() => keys.getByRole('row').count()).toBe(3);
    const [active, retiring] = await keys
      .getByRole('row')
      .allTextContents()
      .then((rows) => rows.slice(1));
    expect(active).toMatch(/ES256.*Active/);
    expect(retiring).toMatch(/RS256.*Retiring/);
    // The realm was read again after the rotation (its algorithm is now ES256): then changed elsewhere.
    await expect.poll(() => page.locator('dd').nth(1).textContent()).toBe('ES256');
    await server.expectCall(200, 'PATCH', `/api/v1/realms/${realm.name}`, {
      token: master,
      json: { display_name: 'Changed elsewhere' },
    });
    await page.getByRole('button', { name: 'Rotate key' }).click();
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('changed by someone else');
    await dialog.getByRole('button', { name: 'Reload' }).click();
    expect(await keys.getByRole('row').count()).toBe(3);
    await page.screenshot({ path: screenshotPath('console-keys.png'), fullPage: true });
    expectClean();
    await page.close();
  });

  it('audit log: newest first, filters in the address (kept on reload), an entry in full, from a user’s page', async () => {
    const { realm, admin } = fixture as ConsoleFixture;
    const { page, expectClean } = await signInToConsole(fixture as ConsoleFixture, {
      path: `/realms/${realm.name}/audit-log`,
    });
    const table = page.getByRole('table');
    await expect.poll(() => table.getByRole('row').count()).toBeGreaterThan(5);
    const times = await table.locator('tbody time').evaluateAll((els) => els.map((el) => el.getAttribute('datetime')));
    expect(times).toEqual([...times].sort().reverse());

    // Filters: applied to the address, kept on reload; an invalid one stays at its field.
    const filters = page.getByRole('region', { name: 'Filters' });
    await filters.getByLabel('Actor user id').fill('not-an-id');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    expect(await fieldProblem(page, filters.getByLabel('Actor user id'))).toMatch(/UUID/i);
    await filters.getByLabel('Actor user id').fill(admin.id);
    await filters.getByLabel('Action').fill('resource.scope_created');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/action=resource\.scope_created/);
    expect(new URL(page.url()).searchParams.get('actor_user_id')).toBe(admin.id);
    await expect.poll(() => table.getByRole('row').count()).toBe(4); // two scopes added, one refused (409)
    await page.reload();
    await expect.poll(() => table.getByRole('row').count()).toBe(4);
    expect(await filters.getByLabel('Action').inputValue()).toBe('resource.scope_created');
    const statuses = await table.locator('tbody tr').allTextContents();
    expect(statuses.filter((row) => row.includes('409 failed'))).toHaveLength(1);

    // An entry opens to show its request and the filters it leads to.
    const first = table.locator('tbody tr').first().getByRole('button');
    await first.click();
    expect(await first.getAttribute('aria-expanded')).toBe('true');
    const details = page.locator('.audit-entry');
    expect(await details.textContent()).toMatch(/POST \/api\/v1\/.+\/scopes/);
    await expectNoSeriousViolations(page, 'audit log');
    await page.screenshot({ path: screenshotPath('console-audit-log.png'), fullPage: true });
    await details.getByRole('link', { name: 'Every resource.scope_created entry' }).click();
    await page.waitForURL((url) => url.search === '?action=resource.scope_created');
    expect(await filters.getByLabel('Actor user id').inputValue()).toBe('');

    // From a user's page: what the user did.
    await page.goto(`${page.url().split('/console/')[0]}/console/${realm.name}/realms/${realm.name}/users/${admin.id}`);
    await page.getByRole('link', { name: 'What this user did (audit log)' }).click();
    await page.waitForURL(/audit-log\?actor_user_id=/);
    expect(await filters.getByLabel('Actor user id').inputValue()).toBe(admin.id);
    await expect.poll(() => table.getByRole('row').count()).toBeGreaterThan(5);
    expectClean();
    await page.close();
  });
});
