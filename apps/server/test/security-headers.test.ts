import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const API_POLICY = "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'";
const APP_ORIGIN = 'https://app.example.com';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.masterToken();
});
afterAll(() => server?.close());

/** The headers helmet sets on every response, whatever its route. */
function expectHardened(headers: Headers): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(headers.get('strict-transport-security')).toMatch(/^max-age=\d+; includeSubDomains$/);
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
  expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(headers.get('x-powered-by')).toBeNull();
}

describe('security headers', () => {
  it('on the JSON API: nothing may load or frame it', async () => {
    for (const response of [
      await server.call('GET', '/api/v1/realms', { token: admin }),
      await server.call('GET', '/api/v1/realms'),
      await server.call('GET', '/oauth2/master/jwks'),
      await server.call('GET', '/no/such/route'),
    ]) {
      expect(response.headers.get('content-security-policy')).toBe(API_POLICY);
      expectHardened(response.headers);
    }
  });

  it('on /docs: its own Content-Security-Policy (scripts and styles of this origin), the rest as everywhere', async () => {
    const response = await server.call('GET', '/docs');
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toBe(API_POLICY);
    expectHardened(response.headers);
  });

  it('on the verify-email page: only its own inline stylesheet, by hash', async () => {
    const response = await server.call('GET', '/verify-email?token=not-a-token');
    const style = /<style>(.*)<\/style>/.exec(response.body as string)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(response.headers.get('content-security-policy')).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    expectHardened(response.headers);
  });
});

describe('CORS', () => {
  it('is off by default: no Access-Control-Allow-Origin, whatever the Origin', async () => {
    const response = await server.call('GET', '/api/v1/realms', { token: admin, headers: { origin: APP_ORIGIN } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/api/v1/realms`, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  describe('with REALMKIT_CORS_ORIGINS', () => {
    let withCors: TestServer;
    beforeAll(async () => {
      withCors = await startTestServer({ config: { corsOrigins: [APP_ORIGIN, 'http://localhost:3000'] } });
    });
    afterAll(() => withCors?.close());

    it('answers preflights and requests of the listed origins, exactly, and exposes the headers clients read', async () => {
      const preflight = await fetch(`${withCors.url}/api/v1/realms`, {
        method: 'OPTIONS',
        headers: {
          origin: APP_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
      expect(preflight.headers.get('access-control-max-age')).toBe('600');
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

      const token = await withCors.masterToken();
      const response = await withCors.call('GET', '/api/v1/realms', { token, headers: { origin: APP_ORIGIN } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(response.headers.get('vary')).toMatch(/Origin/);
      expect(response.headers.get('access-control-expose-headers')).toMatch(
        /X-Request-Id.*Retry-After.*WWW-Authenticate.*ETag.*Idempotent-Replayed/,
      );
    });

    it('lets browser apps send conditional and idempotent writes', async () => {
      const preflight = await fetch(`${withCors.url}/api/v1/realms/master`, {
        method: 'OPTIONS',
        headers: {
          origin: APP_ORIGIN,
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'authorization, if-match, idempotency-key',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, if-match, idempotency-key');
    });

    it('says nothing to other origins (the browser then refuses them)', async () => {
      for (const origin of [
        'https://evil.example.com',
        'https://app.example.com.evil.test',
        'http://app.example.com',
      ]) {
        const preflight = await fetch(`${withCors.url}/api/v1/realms`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET' },
        });
        expect(preflight.headers.get('access-control-allow-origin'), origin).toBeNull();
      }
    });
  });

  it('takes exact origins from REALMKIT_CORS_ORIGINS, and refuses anything else', () => {
    expect(loadConfig({ REALMKIT_CORS_ORIGINS: 'https://a.example.com, http://localhost:3000' }).corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:3000',
    ]);
    expect(loadConfig({}).corsOrigins).toEqual([]);
    for (const bad of [
      '*',
      'https://a.example.com/',
      'https://a.example.com/app',
      'a.example.com',
      'ftp://a.example.com',
    ]) {
      expect(() => loadConfig({ REALMKIT_CORS_ORIGINS: bad }), bad).toThrow(ConfigError);
    }
  });
});
