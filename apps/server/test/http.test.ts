import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, notFoundHandler } from '../src/http/error-handler.ts';
import { createLogger } from '../src/http/logger.ts';
import { requestId } from '../src/http/request-id.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

let server: TestServer;
let admin: string;
let realm: { id: string; name: string };

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.masterToken();
  realm = await server.createRealm(admin, 'http');
});
afterAll(() => server?.close());

describe('HTTP behaviour shared by every route', () => {
  it('answers malformed JSON with 400 in the error shape', async () => {
    const response = await server.call('POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      rawBody: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_request', message: 'Malformed JSON in the request body' });
  });

  // Body-parser decoded leniently: these were stored as U+FFFD, while lone surrogates were refused.
  const invalidUtf8 = [
    { what: 'C3 28 (a broken two-byte sequence)', bytes: [0xc3, 0x28] },
    { what: 'FF FE (bytes UTF-8 never has)', bytes: [0xff, 0xfe] },
    { what: 'C0 AF (an overlong "/")', bytes: [0xc0, 0xaf] },
    { what: 'ED A0 80 (a surrogate, encoded)', bytes: [0xed, 0xa0, 0x80] },
  ];
  /** A JSON body whose `field` holds `bytes` between two letters, raw. */
  function withBytes(fields: Record<string, string>, field: string, bytes: number[]): Uint8Array {
    const [before, after] = JSON.stringify({ ...fields, [field]: 'a\u0000b' }).split('\\u0000') as [string, string];
    return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
  }
  const json = { 'content-type': 'application/json' };

  it.each(invalidUtf8)(
    'refuses a JSON body that is not UTF-8, $what, with 400: the Management API',
    async ({ bytes }) => {
      const email = `utf8-${bytes.join('-')}@example.com`;
      const response = await server.call('POST', `/api/v1/${realm.name}/users`, {
        token: admin,
        rawBody: withBytes({ email }, 'name', bytes),
        headers: json,
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', message: 'The request body is not valid UTF-8' });
      const stored = await server.call('GET', `/api/v1/${realm.name}/users?search=${encodeURIComponent(email)}`, {
        token: admin,
      });
      expect(stored.body.data).toEqual([]);
    },
  );

  it.each(invalidUtf8)(
    'refuses a JSON body that is not UTF-8, $what, with 400: the users API by realm name',
    async ({ bytes }) => {
      const response = await server.call('POST', '/api/users', {
        token: admin,
        rawBody: withBytes({ realmName: realm.name, username: `utf8-${bytes.join('-')}` }, 'firstName', bytes),
        headers: json,
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', message: 'The request body is not valid UTF-8' });
    },
  );

  it('keeps well-formed UTF-8, U+FFFD itself included, and refuses charsets it cannot check strictly', async () => {
    const email = `utf8-ok-${Date.now()}@example.com`;
    const created = await server.call('POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      rawBody: withBytes({ email }, 'name', [...Buffer.from('José \uFFFD 🙂')]),
      headers: json,
    });
    expect(created.status).toBe(201);
    expect(created.body.data.name).toBe('aJosé \uFFFD 🙂b');
    const utf7 = await server.call('POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      rawBody: JSON.stringify({ email: 'utf7@example.com' }),
      headers: { 'content-type': 'application/json; charset=utf-7' },
    });
    expect(utf7.status).toBe(415);
    expect(utf7.body.error).toBe('unsupported_media_type');
  });

  it('answers bodies over 100 kB with 413', async () => {
    const response = await server.call('POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      json: { email: 'big@example.com', name: 'x'.repeat(101 * 1024) },
    });
    expect(response.status).toBe(413);
    expect(response.body.error).toBe('payload_too_large');
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await server.call('POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      rawBody: 'email=x@example.com',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
    expect(response.body.error).toBe('unsupported_media_type');
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const response = await server.call('GET', '/api/v2/nothing');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'not_found', message: 'No route for GET /api/v2/nothing' });
  });

  it("points a 404 at the contract's closest route: an extra segment, a misspelt word, another method", async () => {
    const hints = {
      [`GET /api/v1/realms/${realm.name}/users`]: `did you mean GET /api/v1/${realm.name}/users?`,
      [`POST /api/v1/realms/${realm.name}/users/u1/roles`]: `did you mean POST /api/v1/${realm.name}/users/u1/roles?`,
      [`GET /api/v1/${realm.name}/user`]: `did you mean GET /api/v1/${realm.name}/users?`,
      [`POST /oauth2/${realm.name}/tokens`]: `did you mean POST /oauth2/${realm.name}/token?`,
      'DELETE /api/v1/realms': 'this path answers GET, POST',
      [`PUT /api/v1/${realm.name}/users/u1`]: 'this path answers GET, PATCH, DELETE',
    };
    for (const [request, hint] of Object.entries(hints)) {
      const [method = '', path = ''] = request.split(' ');
      const response = await server.call(method, path, { token: admin });
      expect(response.status, request).toBe(404);
      expect(response.body).toEqual({ error: 'not_found', message: `No route for ${request}: ${hint}` });
    }
  });

  it('sets X-Request-Id on every response, keeping a sane incoming one', async () => {
    const generated = await server.call('GET', '/api/v2/nothing');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await server.call('GET', `/oauth2/${realm.name}/jwks`, { headers: { 'x-request-id': 'trace-123' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-123');
    const replaced = await server.call('GET', '/', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).not.toBe('bad id with spaces');
  });

  it('serves the OpenAPI document derived from the contract', async () => {
    const response = await server.call('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.paths['/api/v1/{realm}/users/{id}/is-suspended'].patch.security).toEqual([
      { managementToken: ['users:write'] },
    ]);
  });
});

describe('unexpected errors', () => {
  it('answer 500 with the request id and no stack trace, and are logged', async () => {
    const lines: string[] = [];
    const logger = createLogger('error');
    const logged = logger.child({});
    logged.error = ((object: unknown) => {
      lines.push(JSON.stringify(object, (_key, value) => (value instanceof Error ? value.message : value)));
    }) as typeof logged.error;

    const app = express();
    app.use(requestId);
    app.get('/boom', () => {
      throw new Error('secret internals at /srv/app.ts:42');
    });
    app.use(notFoundHandler);
    app.use(errorHandler(logged));
    const listening = app.listen(0);
    await new Promise((resolve) => listening.once('listening', resolve));
    try {
      const address = listening.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${address.port}/boom`, { headers: { 'x-request-id': 'req-500' } });
      const body = await response.json();
      expect(response.status).toBe(500);
      expect(body).toEqual({
        error: 'internal_error',
        message: 'Something went wrong on our side. Request id: req-500',
      });
      expect(JSON.stringify(body)).not.toContain('secret internals');
      expect(lines.join('\n')).toContain('req-500');
      expect(lines.join('\n')).toContain('secret internals');
    } finally {
      listening.close();
    }
  });
});
