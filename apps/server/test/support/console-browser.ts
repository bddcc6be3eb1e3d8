import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MASTER_REALM } from '@realmkit/contract';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { hasChromium, isLocal, launchChromium, watchPage } from './chromium.ts';
import { createRealmAdmin, type RealmAdmin } from './console.ts';
import { TEST_ISSUER_URL } from './constants.ts';
import { startTestServer, type TestRealm, type TestServer } from './test-server.ts';

/**
 * What the console's browser tests stand on: a test server, reached by the browser at the run's
 * shared issuer URL (`http://realmkit.test`, mapped to the server's loopback port inside this
 * Chromium only), so that the console applications and Management API indicators every realm of
 * the shared database has — the master realm's included — are this server's; a fresh realm with
 * an admin holding every Management API scope of it; and Chromium.
 */
export interface ConsoleFixture {
  readonly server: TestServer;
  /** The server's address in the browser: the issuer URL its tokens and redirect URIs name. */
  readonly url: string;
  /** A master-realm token of the bootstrap client, to set things up and change them behind the console's back. */
  readonly master: string;
  readonly realm: TestRealm;
  readonly admin: RealmAdmin;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Starts the fixture; `undefined` without Chromium (support/chromium.ts: CI requires it). */
export async function startConsoleFixture(prefix = 'console'): Promise<ConsoleFixture | undefined> {
  if (!hasChromium) return undefined;
  const server = await startTestServer();
  try {
    const master = await server.masterToken();
    const realm = await server.createRealm(master, prefix);
    const admin = await createRealmAdmin(server, master, realm.name);
    const browser = await launchChromium({ host: ISSUER_HOST, to: new URL(server.url).host });
    return {
      server,
      url: TEST_ISSUER_URL,
      master,
      realm,
      admin,
      browser,
      async close() {
        await browser.close();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

const ISSUER_HOST = new URL(TEST_ISSUER_URL).host;

/** A request that stays on this machine: {@link isLocal}, or the issuer's host the fixture's browser maps to loopback. */
function staysLocal(url: string): boolean {
  return isLocal(url) || new URL(url).host === ISSUER_HOST;
}

/** The page's document, as the functions evaluated in it see it (this project compiles without the DOM library). */
declare const document: { activeElement: { id: string; getAttribute(name: string): string | null } | null };

/** A page of the console, and what it did: every request, every page error and CSP violation. */
export interface ConsolePage {
  readonly page: Page;
  readonly seen: { requests: string[]; problems: string[] };
  /** Fails the test if the page reached off this machine or broke its policy. */
  expectClean(): void;
}

/** Tabs until the element with `id` has the focus: a keyboard user's way to a field. */
export async function tabTo(page: Page, id: string): Promise<void> {
  for (let step = 0; step < 25; step++) {
    if (await page.evaluate((wanted) => document.activeElement?.id === wanted, id)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`#${id} never got the focus`);
}

/**
 * Opens the realm's console at `path` (under `/console/<realm>`) in a new page and signs `user`
 * (default: the fixture's admin) in on the login page with the keyboard only; resolves once the
 * console shows `path`.
 */
export async function signInToConsole(
  fixture: ConsoleFixture,
  options: {
    /** The console's realm (whose admins sign in): the fixture's by default. */
    realm?: string;
    path?: string;
    user?: { email: string; password: string };
    viewport?: { width: number; height: number };
  } = {},
): Promise<ConsolePage> {
  const realm = options.realm ?? fixture.realm.name;
  const user = options.user ?? fixture.admin;
  const path = options.path ?? `/realms/${realm}/users`;
  const page = await fixture.browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  const opened = consolePage(page);
  await page.goto(`${fixture.url}/console/${realm}${path}`);
  await page.waitForURL(`${fixture.url}/oauth2/${realm}/authorize?**`);
  await tabTo(page, 'identifier');
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${fixture.url}/console/${realm}${path}`);
  return opened;
}

/** What {@link signInToConsole} answers, for a page it did not sign in itself. */
export function consolePage(page: Page): ConsolePage {
  const seen = watchPage(page);
  return {
    page,
    seen,
    expectClean() {
      expect(seen.problems).toEqual([]);
      expect(seen.requests.filter((url) => !staysLocal(url))).toEqual([]);
    },
  };
}

/**
 * Opens the master realm's console at `path` and signs `admin` in with the keyboard: a
 * master-realm user, e.g. made with `createRealmAdmin(server, master, 'master', MANAGEMENT_SCOPES)`.
 */
export function openMasterConsole(
  fixture: ConsoleFixture,
  admin: { email: string; password: string },
  path: string,
  viewport = { width: 1280, height: 800 },
): Promise<ConsolePage> {
  return signInToConsole(fixture, { realm: MASTER_REALM, user: admin, path, viewport });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on the page as it is now and fails on any serious or
 * critical violation, naming each with the elements it found. axe is evaluated through the
 * DevTools protocol, which the page's Content-Security-Policy does not govern: the page itself
 * still loads nothing but its own files.
 */
export async function expectNoSeriousViolations(page: Page, screen: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(context: unknown, options: object): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map((node) => ({ target: node.target })),
    }));
  });
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(
    serious.map(
      (v) => `${screen}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([]);
}

/**
 * The `name` of the field that has the focus. Poll it (`expect.poll`): the console moves the focus
 * on its next render, and a test that types at once would race it on a busy machine.
 */
export function focusedField(page: Page): Promise<string | null | undefined> {
  return page.evaluate(() => document.activeElement?.getAttribute('name'));
}
