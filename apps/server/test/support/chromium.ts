import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium (never a downloaded one), driven by playwright-core. Browser tests are skipped
 * on a machine without it, except in CI (CI=true), where .ci/run installs it and a missing browser
 * fails the run.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && IN_CI) throw new Error(`CI=true but there is no Chromium at ${CHROMIUM}: .ci/run installs it`);

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/** `.ci/out/<name>` in CI (kept with the run's other outputs), a fresh temp dir otherwise. */
export function screenshotPath(name: string): string {
  const dir = IN_CI ? path.join(ROOT, '.ci', 'out') : mkdtempSync(path.join(os.tmpdir(), 'realmkit-browser-'));
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A request that stays on this machine: loopback http(s), or data:/blob: inside the page. */
export function isLocal(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOCAL_HOSTS.has(parsed.hostname);
}

/**
 * Chromium with the flags that work on these machines (no sandbox as root, no background calls
 * home). `mapHost` sends a made-up host name to a loopback address and port inside this browser
 * only (`--host-resolver-rules`: no DNS query is made for it), and treats its http origin as the
 * browser treats localhost's.
 */
export function launchChromium(mapHost?: { host: string; to: string }): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      // A secure context there, as on localhost (Web Crypto, which PKCE in the page needs).
      ...(mapHost
        ? [
            `--host-resolver-rules=MAP ${mapHost.host} ${mapHost.to}`,
            `--unsafely-treat-insecure-origin-as-secure=http://${mapHost.host}`,
          ]
        : []),
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
}

/** Records a page's requests (every URL) and its problems: page errors, and what the CSP blocked. */
export function watchPage(page: Page): { requests: string[]; problems: string[] } {
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A request the Content-Security-Policy blocked never reaches the 'request' event.
    if (message.text().includes('Content Security Policy')) problems.push(`console: ${message.text()}`);
  });
  return { requests, problems };
}
