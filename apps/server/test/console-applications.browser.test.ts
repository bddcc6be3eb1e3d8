import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshotPath } from './support/chromium.ts';
import {
  type ConsoleFixture,
  expectNoSeriousViolations,
  focusedField,
  signInToConsole,
  startConsoleFixture,
} from './support/console-browser.ts';

/**
 * The console's applications and roles screens in Chromium, signed in as a realm admin: create,
 * edit (a refused value at its field, a change made meanwhile through the API), delete; a
 * confidential application's secret shown once and working, rotated with a grace period; an m2m
 * application's roles; a role's scopes picked from an API resource. axe-core on every screen.
 */
let fixture: ConsoleFixture | undefined;
let api = '';
/** An API resource of the realm with two scopes, and a role holding one of them. */
const orders = { indicator: 'https://orders.example.com', resourceId: '', readScopeId: '', roleId: '' };

beforeAll(async () => {
  fixture = await startConsoleFixture('apps');
  if (!fixture) return;
  const { server, master: token, realm } = fixture;
  api = `/api/v1/${realm.name}`;
  const resource = await server.expectCall(201, 'POST', `${api}/resources`, {
    token,
    json: { name: 'Orders API', indicator: orders.indicator },
  });
  orders.resourceId = resource.id;
  const read = await server.expectCall(201, 'POST', `${api}/resources/${resource.id}/scopes`, {
    token,
    json: { name: 'read:orders', description: 'Read orders' },
  });
  orders.readScopeId = read.id;
  await server.expectCall(201, 'POST', `${api}/resources/${resource.id}/scopes`, {
    token,
    json: { name: 'write:orders' },
  });
  const role = await server.expectCall(201, 'POST', `${api}/roles`, {
    token,
    json: { name: 'orders-worker', description: 'What a worker may do with orders' },
  });
  orders.roleId = role.id;
  await server.expectCall(204, 'POST', `${api}/roles/${role.id}/scopes`, {
    token,
    json: { scope_ids: [read.id] },
  });
}, 30_000);
afterAll(async () => {
  await fixture?.close();
});

/** What the page's functions see of it (this project compiles without the DOM library). */
declare const document: {
  activeElement: { getAttribute(name: string): string | null; textContent: string | null } | null;
};
declare const navigator: { clipboard: { readText(): Promise<string> } };

/** The `name` of the field that has the focus. */
/** What `secret` gets for the Orders API as the application `clientId`: `scope: <its scopes>`, or the error. */
async function tokenFor(clientId: string, secret: string): Promise<string> {
  const { server, realm } = fixture as ConsoleFixture;
  const response = await server.call('POST', `/oauth2/${realm.name}/token`, {
    form: {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      resource: orders.indicator,
    },
  });
  return response.status === 200 ? `scope: ${response.body.scope ?? ''}` : response.body.error;
}

describe.skipIf(!hasChromium)('console: applications and roles', () => {
  it('creates, edits and deletes applications; shows a secret once, rotates it; assigns roles', async () => {
    const { server, master: token, realm } = fixture as ConsoleFixture;
    const consolePage = await signInToConsole(fixture as ConsoleFixture, {
      path: `/realms/${realm.name}/applications`,
    });
    const { page } = consolePage;
    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: (fixture as ConsoleFixture).url });

    // The list: the realm's console application, marked built in.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Applications');
    const builtIn = page.getByRole('row').filter({ hasText: `realmkit-console-${realm.name}` });
    await expect.poll(() => builtIn.textContent()).toContain('Built in');

    // A new m2m application: no redirect URIs, client credentials only; its secret shown once.
    await page.getByRole('button', { name: 'New application' }).click();
    await expect.poll(() => focusedField(page)).toBe('name');
    await page.keyboard.type('Billing worker');
    await page.getByLabel('Machine to machine').check();
    expect(await page.getByRole('group', { name: 'Redirect URIs' }).count()).toBe(0);
    expect(await page.getByLabel('Client credentials').isChecked()).toBe(true);
    expect(await page.getByLabel('Refresh token').count()).toBe(0);
    await page.getByRole('button', { name: 'Create application' }).click();
    const secretPanel = page.getByRole('region', { name: 'Billing worker is created' });
    await expect.poll(() => secretPanel.textContent()).toContain('you will not see it again');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Billing worker is created');
    const secret = (await secretPanel.locator('.secret-value').textContent()) as string;
    const clientId = (await secretPanel.locator('code').first().textContent()) as string;
    await secretPanel.getByRole('button', { name: 'Copy the client secret' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await expectNoSeriousViolations(page, 'applications, new secret');
    await page.screenshot({ path: screenshotPath('console-applications.png') });

    // Its page: the role that lets it get tokens for the Orders API, assigned from the realm's roles.
    await secretPanel.getByRole('link', { name: 'Open the application' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Billing worker');
    expect(await page.locator('.secret-value').count()).toBe(0);
    expect(await tokenFor(clientId, secret)).toBe('scope: ');
    await page.getByLabel('Role to assign').selectOption({ label: 'orders-worker' });
    await page.getByRole('button', { name: 'Assign role' }).click();
    const rolesTable = page.getByRole('table', { name: 'Roles the application holds' });
    await expect.poll(() => rolesTable.textContent()).toContain('orders-worker');
    expect(await tokenFor(clientId, secret)).toBe('scope: read:orders');

    // Rotation: a grace period over the contract's limit is refused at the field; an hour keeps the old secret.
    await page.getByLabel('Grace period').fill('8');
    await page.getByLabel('Unit').selectOption('days');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await expect.poll(() => page.getByLabel('Grace period').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').first().textContent()).toContain('At most 7 days');
    await page.getByLabel('Grace period').fill('1');
    await page.getByLabel('Unit').selectOption('hours');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = page.getByRole('region', { name: 'The new client secret' });
    await expect.poll(() => rotated.textContent()).toContain('Keeps working until');
    const newSecret = (await rotated.locator('.secret-value').textContent()) as string;
    expect(newSecret).not.toBe(secret);
    expect(await tokenFor(clientId, newSecret)).toBe('scope: read:orders');
    expect(await tokenFor(clientId, secret)).toBe('scope: read:orders');
    expect(await tokenFor(clientId, 'not the secret')).toBe('invalid_client');
    await rotated.getByRole('button', { name: 'Done: I have copied it' }).click();
    expect(await page.locator('.secret-value').count()).toBe(0);
    await page.getByRole('button', { name: 'Remove the role orders-worker' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Removed the role' }).count()).toBe(1);

    // A single-page app whose redirect URI the server refuses: its 422 at that URI, then fixed.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('button', { name: 'New application' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Storefront');
    await page.getByLabel('Redirect URI 1', { exact: true }).fill('http://shop.example.com/callback');
    await page.getByRole('button', { name: 'Add post-logout redirect URI' }).click();
    await expect.poll(() => focusedField(page)).toBe('post_logout_redirect_uris.0');
    await page.keyboard.type('https://shop.example.com/');
    await page.getByRole('button', { name: 'Create application' }).click();
    const refused = page.getByLabel('Redirect URI 1', { exact: true });
    await expect.poll(() => refused.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => focusedField(page)).toBe('redirect_uris.0');
    expect(await page.locator('.value-list-item .field-error').textContent()).toContain('must use https');
    await refused.fill('https://shop.example.com/callback');
    await page.getByRole('button', { name: 'Create application' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Storefront');
    const storefrontId = page.url().split('/').at(-1) as string;

    // Edited through the API meanwhile: the console's save is refused (412), Reload shows the change.
    await server.expectCall(200, 'PATCH', `${api}/applications/${storefrontId}`, {
      token,
      json: { description: 'Changed behind the console' },
    });
    await page.getByLabel('Name', { exact: true }).fill('Storefront web');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('changed by someone else');
    await page.getByRole('button', { name: 'Reload' }).click();
    await expect
      .poll(() => page.getByLabel('Description', { exact: true }).inputValue())
      .toBe('Changed behind the console');
    await page.getByLabel('Name', { exact: true }).fill('Storefront web');
    await page.getByLabel('Refresh token').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Settings saved.' }).count()).toBe(1);
    const saved = await server.expectCall(200, 'GET', `${api}/applications/${storefrontId}`, { token });
    expect(saved).toMatchObject({
      name: 'Storefront web',
      description: 'Changed behind the console',
      redirect_uris: ['https://shop.example.com/callback'],
      post_logout_redirect_uris: ['https://shop.example.com/'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
    });
    await expectNoSeriousViolations(page, 'application');
    await page.screenshot({ path: screenshotPath('console-application.png'), fullPage: true });

    // Deleted after the confirmation: back to the list, without it.
    await page.getByRole('button', { name: 'Delete application' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete application' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Applications');
    expect((await server.call('GET', `${api}/applications/${storefrontId}`, { token })).status).toBe(404);
    consolePage.expectClean();
    await page.close();
  }, 40_000);

  it('creates, edits and deletes a role, and gives it scopes of an API resource', async () => {
    const { server, master: token, realm } = fixture as ConsoleFixture;
    const consolePage = await signInToConsole(fixture as ConsoleFixture, { path: `/realms/${realm.name}/roles` });
    const { page } = consolePage;
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Roles');
    await expect
      .poll(() => page.getByRole('table', { name: 'Roles, by name' }).textContent())
      .toContain('orders-worker');
    await expectNoSeriousViolations(page, 'roles');
    await page.screenshot({ path: screenshotPath('console-roles.png') });

    await page.getByRole('button', { name: 'New role' }).click();
    await expect.poll(() => focusedField(page)).toBe('name');
    await page.keyboard.type('orders-reader');
    await page.getByLabel('Description (optional)').fill('Reads orders');
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Role orders-reader');
    const roleId = page.url().split('/').at(-1) as string;

    // A name another role has: the server's 409 at the name field.
    await page.getByLabel('Name', { exact: true }).fill('orders-worker');
    await page.getByRole('button', { name: 'Save role' }).click();
    await expect.poll(() => page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').textContent()).toContain('already exists');

    // Changed through the API meanwhile: 412, then Reload.
    await server.expectCall(200, 'PATCH', `${api}/roles/${roleId}`, {
      token,
      json: { description: 'Reads all orders' },
    });
    await page.getByLabel('Name', { exact: true }).fill('orders-viewer');
    await page.getByRole('button', { name: 'Save role' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('changed by someone else');
    await page.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => page.getByLabel('Description', { exact: true }).inputValue()).toBe('Reads all orders');
    await page.getByLabel('Name', { exact: true }).fill('orders-viewer');
    await page.getByRole('button', { name: 'Save role' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Role saved.' }).count()).toBe(1);

    // Scopes: an API resource first, then some of its scopes.
    await page.getByLabel('API resource').selectOption({ label: `Orders API (${orders.indicator})` });
    await page.getByLabel('read:orders').check();
    await page.getByLabel('write:orders').check();
    await page.getByRole('button', { name: 'Assign 2 scopes' }).click();
    const scopes = page.getByRole('table', { name: 'Scopes the role holds' });
    await expect.poll(() => scopes.getByRole('row').count()).toBe(3);
    expect(await page.getByLabel('read:orders').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Remove the scope write:orders of Orders API' }).click();
    await expect.poll(() => scopes.getByRole('row').count()).toBe(2);
    const held = await server.expectCall(200, 'GET', `${api}/roles/${roleId}/scopes`, { token });
    expect(held.map((scope: { name: string }) => scope.name)).toEqual(['read:orders']);
    await expectNoSeriousViolations(page, 'role');
    await page.screenshot({ path: screenshotPath('console-role.png'), fullPage: true });

    await page.getByRole('button', { name: 'Delete role' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete role' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Roles');
    expect((await server.call('GET', `${api}/roles/${roleId}`, { token })).status).toBe(404);
    consolePage.expectClean();
    await page.close();
  }, 40_000);
});
