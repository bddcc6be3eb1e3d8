import { request } from 'node:http';
import { generateOpenApi } from '@realmkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ISSUER_URL } from './support/constants.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** Every src= and href= of an HTML page. */
function references(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/g)].map((match) => match[1] as string);
}

/**
 * The status of a GET with these headers, by node:http: fetch turns a conditional request into
 * `Cache-Control: no-cache`, which Express never answers with 304.
 */
function statusOf(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    request(`${server.url}${path}`, { headers }, (response) => {
      response.resume();
      resolve(response.statusCode as number);
    })
      .on('error', reject)
      .end();
  });
}

/** The script URLs of the /docs page. */
async function scripts(): Promise<string[]> {
  const page = await server.call('GET', '/docs');
  return [...(page.body as string).matchAll(/<script src="([^"]+)"/g)].map((match) => match[1] as string);
}

// First in this file: the server has not built the document before this request.
describe('GET /openapi.json', () => {
  it("answers the contract's document for this server, built on the first request, the same bytes on every request", async () => {
    const expected = JSON.stringify(generateOpenApi({ serverUrl: TEST_ISSUER_URL }));
    const first = await fetch(`${server.url}/openapi.json`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await first.text()).toBe(expected);
    const second = await fetch(`${server.url}/openapi.json`);
    expect(await second.text()).toBe(expected);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
  });
});

describe('GET /docs', () => {
  it('answers an HTML page that loads only same-origin assets and points Scalar at /openapi.json', async () => {
    const response = await server.call('GET', '/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = response.body as string;
    expect(html).toContain('<div id="docs">');
    // Scalar would mount a second, default-configured reference on #api-reference.
    expect(html).not.toContain('id="api-reference"');
    const refs = references(html);
    expect(refs.length).toBeGreaterThanOrEqual(2);
    for (const ref of refs) {
      // A path on this server (not protocol-relative), or an inline data: URL.
      expect(ref).toMatch(/^(\/(?!\/)|data:)/);
    }
    expect(html).not.toMatch(/https?:\/\//);
    expect(await scripts()).toEqual([
      expect.stringMatching(/^\/docs\/assets\/scalar-api-reference\.[0-9a-f]{16}\.js$/),
      expect.stringMatching(/^\/docs\/assets\/init\.[0-9a-f]{16}\.js$/),
    ]);

    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/connect-src 'self'/);
  });

  it('serves Scalar from node_modules as JavaScript, cached for a year, gzipped on request', async () => {
    const [bundle, init] = await scripts();
    const response = await fetch(`${server.url}${bundle}`, { headers: { 'accept-encoding': 'identity' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const source = await response.text();
    expect(source.length).toBeGreaterThan(1_000_000);
    expect(source).toContain('createApiReference');
    expect(source).not.toContain('sourceMappingURL=');

    const etag = response.headers.get('etag') as string;
    expect(await statusOf(bundle as string, { 'if-none-match': etag })).toBe(304);

    // fetch decompresses: the raw size tells the compression.
    const gzipped = await fetch(`${server.url}${bundle}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(Number(gzipped.headers.get('content-length'))).toBeLessThan(source.length / 2);
    expect(await gzipped.text()).toBe(source);

    const config = await server.call('GET', init as string);
    expect(config.status).toBe(200);
    expect(config.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(config.body).toContain("Scalar.createApiReference('#docs'");
    expect(config.body).toContain('"url":"/openapi.json"');
    expect(config.body).toContain('"withDefaultFonts":false');
    expect(config.body).toContain('"agent":{"disabled":true}');
    expect(config.body).toContain('"mcp":{"disabled":true}');
  });

  it('answers 404 for an asset that is not there', async () => {
    const response = await server.call('GET', '/docs/assets/scalar-api-reference.0000000000000000.js');
    expect(response.status).toBe(404);
    expect(response.body.error).toBe('not_found');
  });
});

describe('GET /', () => {
  const discovery = '/oauth2/master/.well-known/openid-configuration';

  it('answers a browser with a small page pointing to the console, /docs and discovery, under the API policy', async () => {
    const response = await server.call('GET', '/', {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('vary')).toMatch(/Accept/);
    expect(references(response.body as string)).toEqual(['/console/', '/docs', '/openapi.json', discovery]);
    // As on every page: nothing from elsewhere, never framed; its one stylesheet by hash.
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    // Each link answers.
    for (const path of references(response.body as string)) {
      expect(await statusOf(path, {}), path).toBe(path === '/console/' ? 302 : 200);
    }
  });

  it('answers a script (Accept: application/json, or anything) with the same links, absolute', async () => {
    const expected = {
      name: 'Realmkit',
      links: {
        console: `${TEST_ISSUER_URL}/console/`,
        docs: `${TEST_ISSUER_URL}/docs`,
        openapi: `${TEST_ISSUER_URL}/openapi.json`,
        openid_configuration: `${TEST_ISSUER_URL}${discovery}`,
      },
    };
    for (const accept of ['application/json', '*/*']) {
      const response = await server.call('GET', '/', { headers: { accept } });
      expect(response.status, accept).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.body).toEqual(expected);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });
});
