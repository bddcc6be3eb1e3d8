import { once } from 'node:events';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONSOLE_APPLICATION } from '@realmkit/contract';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS_OFF } from '../src/config/rate-limit-config.ts';
import { consoleRoutes } from '../src/console/console.routes.ts';
import { consoleToken, createRealmAdmin } from './support/console.ts';
import { TEST_ISSUER_URL } from './support/constants.ts';
import { startTestServer, type TestRealm, type TestServer } from './support/test-server.ts';

/**
 * The console as the server sees it: its page and files under a strict policy, the built-in
 * console application every realm gets, and an admin's token from it, which manages exactly what
 * the admin's roles allow. (The screens themselves: console.browser.test.ts.)
 */
let server: TestServer;
let master: string;
let realm: TestRealm;

beforeAll(async () => {
  server = await startTestServer();
  master = await server.masterToken();
  realm = await server.createRealm(master, 'console');
});
afterAll(() => server?.close());

describe('the console page', () => {
  it('sends /console to the master realm console', async () => {
    for (const path of ['/console', '/console/']) {
      const response = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/console/master/');
    }
  });

  it('answers its page at any deep link, under a policy that allows this origin only', async () => {
    const response = await server.call('GET', `/console/${realm.name}/realms/${realm.name}/users/123`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    const html = response.body as string;
    expect(html).toContain(`<meta name="realmkit-issuer" content="${TEST_ISSUER_URL}">`);
    // Nothing inline: every script and stylesheet is a file of this server's.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toContain('<style');
  });

  it('serves each file the page names, immutable and compressed, and nothing else', async () => {
    const html = (await server.call('GET', '/console/master/')).body as string;
    const files = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1] as string);
    expect(files.some((file) => file.endsWith('.js'))).toBe(true);
    for (const file of files) {
      const response = await fetch(`${server.url}${file}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(response.status, file).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(/^(text\/javascript|text\/css)/);
      expect(response.headers.get('content-encoding')).toBe('gzip');
    }
    const missing = await server.call('GET', '/console/assets/index-nothing.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'not_found' });
  });
});

describe('the console build', () => {
  it('is served only where one was built, and again as it changes under a running server', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'realmkit-console-'));
    try {
      expect(consoleRoutes({ issuerUrl: TEST_ISSUER_URL, buildDir: dir })).toBeUndefined();
      const page = (script: string) =>
        `<meta name="realmkit-issuer" content=""><script type="module" src="/console/assets/${script}"></script>`;
      await mkdir(path.join(dir, 'assets'));
      await writeFile(path.join(dir, 'assets', 'index-one.js'), 'one();');
      await writeFile(path.join(dir, 'index.html'), page('index-one.js'));
      const app = express().use(consoleRoutes({ issuerUrl: TEST_ISSUER_URL, buildDir: dir }) as express.Router);
      const listening = app.listen(0);
      await once(listening, 'listening');
      const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
      try {
        expect(await (await fetch(`${base}/console/master/`)).text()).toContain('index-one.js');
        // A rebuild (`npm run dev -w @realmkit/console`): new files, a newer page.
        await writeFile(path.join(dir, 'assets', 'index-two.js'), 'two();');
        await writeFile(path.join(dir, 'index.html'), page('index-two.js'));
        await utimes(path.join(dir, 'index.html'), new Date(), new Date(Date.now() + 5_000));
        expect(await (await fetch(`${base}/console/master/`)).text()).toContain('index-two.js');
        expect(await (await fetch(`${base}/console/assets/index-two.js`)).text()).toBe('two();');
      } finally {
        listening.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the console application of a realm', () => {
  it('is created with the realm: a public client whose redirect URIs are the console pages', async () => {
    const apps = await server.expectCall(200, 'GET', `/api/v1/${realm.name}/applications?search=console`, {
      token: master,
    });
    expect(apps).toEqual([
      expect.objectContaining({
        name: CONSOLE_APPLICATION.name,
        type: 'spa',
        client_id: `realmkit-console-${realm.name}`,
        redirect_uris: [`${TEST_ISSUER_URL}/console/${realm.name}/callback`],
        post_logout_redirect_uris: [`${TEST_ISSUER_URL}/console/${realm.name}/`],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'none',
      }),
    ]);
  });

  it("signs a realm's admin in with a token that manages the realm as their roles allow, and no other", async () => {
    const admin = await createRealmAdmin(server, master, realm.name);
    const token = await consoleToken(server, realm.name, admin);
    await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
      token,
      json: { email: `made-in-console-${Date.now()}@example.com` },
    });
    // A realm's own token: not another realm, not the realms API.
    const other = await server.call('GET', `/api/v1/master/users`, { token });
    expect(other.status).toBe(401);
    expect((await server.call('GET', '/api/v1/realms', { token })).status).toBe(403);
  });

  it('gives a viewer a token that reads and cannot change', async () => {
    const viewer = await createRealmAdmin(server, master, realm.name, [
      'users:read',
      'applications:read',
      'roles:read',
      'resources:read',
      'audit-logs:read',
    ]);
    const token = await consoleToken(server, realm.name, viewer);
    await server.expectCall(200, 'GET', `/api/v1/${realm.name}/users`, { token });
    const write = await server.call('POST', `/api/v1/${realm.name}/users`, {
      token,
      json: { email: `viewer-write-${Date.now()}@example.com` },
    });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ error: 'insufficient_scope' });
  });

  it("counts each admin's Management API requests apart: one busy admin does not hold up another", async () => {
    const limited = await startTestServer({
      config: { rateLimits: { ...RATE_LIMITS_OFF, managementPerClient: { points: 3, durationSeconds: 3600 } } },
    });
    try {
      const [busy, other] = await Promise.all([
        createRealmAdmin(server, master, realm.name, ['users:read']),
        createRealmAdmin(server, master, realm.name, ['users:read']),
      ]);
      const busyToken = await consoleToken(limited, realm.name, busy);
      const otherToken = await consoleToken(limited, realm.name, other);
      const list = (token: string) => limited.call('GET', `/api/v1/${realm.name}/users`, { token });
      for (let i = 0; i < 3; i++) expect((await list(busyToken)).status).toBe(200);
      expect((await list(busyToken)).status).toBe(429);
      expect((await list(otherToken)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
