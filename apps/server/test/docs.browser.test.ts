import { contract } from '@realmkit/contract';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, isLocal, launchChromium, screenshotPath, watchPage } from './support/chromium.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/** The API reference in a real browser (support/chromium.ts). */
let server: TestServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  server = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(!hasChromium)('the API reference in Chromium', () => {
  it('lists the operations of /openapi.json without a single request leaving localhost', async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    const { requests, problems } = watchPage(page);

    const response = await page.goto(`${(server as TestServer).url}/docs`);
    expect(response?.status()).toBe(200);
    // The sidebar lists every operation by its summary once Scalar has read the document.
    for (const summary of ['Create a user', 'List roles', contract.oauth.token.summary]) {
      await page.getByText(summary, { exact: true }).first().waitFor({ state: 'visible', timeout: 20_000 });
    }
    // Time for anything loaded lazily after the first render (fonts, say) to be asked for.
    await page.waitForTimeout(1_000);

    const file = screenshotPath('docs.png');
    await page.screenshot({ path: file });
    console.log(`docs screenshot: ${file}`);

    expect(problems).toEqual([]);
    // Scalar's own configuration was applied: no button that uploads the document to Scalar.
    expect(await page.getByText('Generate MCP').count()).toBe(0);
    expect(requests.filter((url) => !isLocal(url))).toEqual([]);
    expect(requests.some((url) => url.endsWith('/openapi.json'))).toBe(true);
  });
});
