import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * The API reference in a real browser: Debian's Chromium (never a downloaded one), driven by
 * playwright-core. Skipped on a machine without Chromium, except in CI (CI=true), where .ci/run
 * installs it and a missing browser fails the run.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && IN_CI) throw new Error(`CI=true but there is no Chromium at ${CHROMIUM}: .ci/run installs it`);

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** .ci/out/docs.png in CI (kept with the run's other outputs), a fresh temp dir otherwise. */
function screenshotPath(): string {
  const dir = IN_CI ? path.join(ROOT, '.ci', 'out') : mkdtempSync(path.join(os.tmpdir(), 'realmkit-docs-'));
  mkdirSync(dir, { recursive: true });
  return path.join(dir, 'docs.png');
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A request that stays on this machine: loopback http(s), or data:/blob: inside the page. */
function isLocal(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOCAL_HOSTS.has(parsed.hostname);
}

let server: TestServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  server = await startTestServer();
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
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(!hasChromium)('the API reference in Chromium', () => {
  it('lists the operations of /openapi.json without a single request leaving localhost', async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // A request the Content-Security-Policy blocked never reaches the 'request' event.
      if (message.text().includes('Content Security Policy')) problems.push(`console: ${message.text()}`);
    });

    const response = await page.goto(`${(server as TestServer).url}/docs`);
    expect(response?.status()).toBe(200);
    // The sidebar lists every operation by its summary once Scalar has read the document.
    for (const summary of ['Create a user', 'List roles', 'Issue an access token (client_credentials)']) {
      await page.getByText(summary, { exact: true }).first().waitFor({ state: 'visible', timeout: 20_000 });
    }
    // Time for anything loaded lazily after the first render (fonts, say) to be asked for.
    await page.waitForTimeout(1_000);

    const file = screenshotPath();
    await page.screenshot({ path: file });
    console.log(`docs screenshot: ${file}`);

    expect(problems).toEqual([]);
    // Scalar's own configuration was applied: no button that uploads the document to Scalar.
    expect(await page.getByText('Generate MCP').count()).toBe(0);
    expect(requests.filter((url) => !isLocal(url))).toEqual([]);
    expect(requests.some((url) => url.endsWith('/openapi.json'))).toBe(true);
  });
});
