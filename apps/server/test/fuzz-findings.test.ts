import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from './fuzz/send.ts';
import { startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

/**
 * What `npm run fuzz` found, one test per finding (docs/decisions/0014-fuzzing.md): each failed
 * before its fix.
 */
let server: TestServer;
let admin: string;
let realm: TestRealm;
let userId: string;

beforeAll(async () => {
  ({ server, admin, realm } = await startWithRealms('fuzzfound'));
  userId = (
    await server.expectCall(201, 'POST', `/api/v1/${realm.id}/users`, {
      token: admin,
      json: { email: 'found@example.com' },
    })
  ).id;
});
afterAll(() => server?.close());

/** Sends bytes as they are (fetch would encode the path), and parses the JSON answer if there is one. */
async function raw(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) {
  const response = await send(undefined, new URL(server.url), { method, path, headers, body, chunked: false }, 10_000);
  const json = response.contentType?.includes('json') && response.text ? JSON.parse(response.text) : undefined;
  return { ...response, json };
}

describe('fuzzing findings', () => {
  it('a path parameter that is not valid percent-encoding is a 400, not a 500', async () => {
    for (const path of [
      `/api/v1/${realm.id}/users/%E0%A4%A`,
      '/api/v1/%FF/users',
      `/api/v1/${realm.id}/roles/%zz`,
      '/oauth2/%C0%AF/jwks',
    ]) {
      const response = await server.call('GET', path, { token: admin });
      expect(response.status, path).toBe(400);
      expect(response.body, path).toEqual({
        error: 'invalid_request',
        message: 'The request path is not valid percent-encoded UTF-8',
      });
    }
  });

  it.each([
    ['token', { grant_type: 'client_credentials' }],
    // Found by the fuzzer (seed 20260108): revocation answered the Management API's error shape.
    ['revoke', { token: 'x' }],
  ])(
    'a realm that is not valid percent-encoding on the %s endpoint is an RFC 6749 invalid_request',
    async (endpoint, form) => {
      for (const realmRef of ['%FF', '%ED%A0%80', '%zz', '%']) {
        const response = await server.call('POST', `/oauth2/${realmRef}/${endpoint}`, { form });
        expect(response.status, realmRef).toBe(400);
        expect(response.body, realmRef).toEqual({
          error: 'invalid_request',
          error_description: 'The realm in the path is not valid percent-encoded UTF-8',
          message: 'The realm in the path is not valid percent-encoded UTF-8',
        });
      }
    },
  );

  it('a body that is not encoded as its Content-Encoding says is a 400, not a 500', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const response = await server.call('POST', `/api/v1/${realm.id}/roles`, {
        token: admin,
        rawBody: '{"name":"plain"}',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      });
      expect(response.status, encoding).toBe(400);
      expect(response.body, encoding).toEqual({
        error: 'invalid_request',
        message: 'The request body is not encoded as its Content-Encoding says',
      });
    }
    const encoded = await raw(
      'POST',
      `/api/v1/${realm.id}/roles`,
      { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync('{"name":"gzipped"}'),
    );
    expect(encoded.status).toBe(201);
  });

  it('U+0000 in a path parameter, a query parameter or a body field is a 400 naming it, not a 500', async () => {
    const inPath = await server.call('GET', '/api/v1/a%00b/users', { token: admin });
    expect(inPath.status).toBe(400);
    expect(inPath.body.details).toEqual([{ path: 'realm', message: 'Must not contain U+0000' }]);

    const inQuery = await server.call('GET', `/api/v1/${realm.id}/users?search=a%00b`, { token: admin });
    expect(inQuery.status).toBe(400);
    expect(inQuery.body.details).toEqual([{ path: 'search', message: 'Must not contain U+0000' }]);

    const byName = await server.call('GET', '/api/users?realm=%00', { token: admin });
    expect(byName.status).toBe(400);

    const inBody = await server.call('POST', `/api/v1/${realm.id}/users`, {
      token: admin,
      json: { email: 'nul@example.com', name: 'a\u0000b' },
    });
    expect(inBody.status).toBe(400);
    expect(inBody.body).toEqual({
      error: 'invalid_request',
      message: 'Invalid request body: name: Must not contain U+0000',
      details: [{ path: 'name', message: 'Must not contain U+0000' }],
    });
    const inKey = await server.call('PATCH', `/api/v1/${realm.id}/users/${userId}`, {
      token: admin,
      rawBody: '{"na\\u0000me":"x"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(inKey.status).toBe(400);
  });

  it('a lone surrogate in a body field is a 400, not silently stored as U+FFFD', async () => {
    const response = await server.call('PATCH', `/api/v1/${realm.id}/users/${userId}`, {
      token: admin,
      rawBody: '{"name":"half \\ud83d emoji"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([
      { path: 'name', message: 'Must be well-formed Unicode (no lone surrogate)' },
    ]);
    const user = await server.expectCall(200, 'GET', `/api/v1/${realm.id}/users/${userId}`, { token: admin });
    expect(user.name).toBeNull();
  });

  it('U+0000 in a token request is an RFC 6749 invalid_request, not a 500', async () => {
    const forms: Record<string, string>[] = [
      { grant_type: 'client_credentials', client_id: 'a\u0000b', client_secret: 'x' },
      { grant_type: 'client_credentials', client_id: 'x', client_secret: 'x', scope: 'users:read\u0000' },
    ];
    for (const form of forms) {
      const response = await server.call('POST', `/oauth2/${realm.name}/token`, { form });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_request');
    }
    const basic = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: `Basic ${Buffer.from('a%00b:x').toString('base64')}` },
    });
    expect(basic.status).toBe(400);
    expect(basic.body.error).toBe('invalid_request');
    const inRealm = await server.call('POST', '/oauth2/a%00b/token', { form: { grant_type: 'client_credentials' } });
    expect(inRealm.status).toBe(404);
  });

  it('a URL with raw (not percent-encoded) non-ASCII bytes, as curl sends it, answers 400 in the error shape', async () => {
    const utf8AsBytes = Buffer.from('josé', 'utf8').toString('latin1');
    const response = await raw('GET', `/api/v1/${realm.id}/users?search=${utf8AsBytes}`, {
      authorization: `Bearer ${admin}`,
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: 'invalid_request',
      message: 'Malformed HTTP request: percent-encode the URL (RFC 3986) and send valid HTTP/1.1',
    });
    // RFC 6749's shape on the token endpoint; no body for HEAD (a client would read it as the next response).
    const token = await raw('POST', `/oauth2/${utf8AsBytes}/token`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(token.status).toBe(400);
    expect(token.json).toMatchObject({ error: 'invalid_request', error_description: expect.any(String) });
    const head = await raw('HEAD', `/api/v1/${utf8AsBytes}/users`);
    expect(head.status).toBe(400);
  });

  it('a scope created while its resource is deleted is a 201 or a 404, never a 500 (the resource is locked)', async () => {
    const api = `/api/v1/${realm.id}/resources`;
    const statuses = new Set<number>();
    for (let attempt = 0; attempt < 25; attempt++) {
      const resource = await server.expectCall(201, 'POST', api, {
        token: admin,
        json: { name: `race-${attempt}`, indicator: `https://race-${attempt}.example.com` },
      });
      const [created, deleted] = await Promise.all([
        server.call('POST', `${api}/${resource.id}/scopes`, { token: admin, json: { name: 'read:race' } }),
        server.call('DELETE', `${api}/${resource.id}`, { token: admin }),
      ]);
      expect(deleted.status).toBe(204);
      statuses.add(created.status);
    }
    expect([...statuses].filter((status) => status !== 201 && status !== 404)).toEqual([]);
  });

  it("a role's scopes listed while their resource is deleted are a 200, never a 500", async () => {
    const role = await server.expectCall(201, 'POST', `/api/v1/${realm.id}/roles`, {
      token: admin,
      json: { name: 'lister' },
    });
    const api = `/api/v1/${realm.id}/resources`;
    const statuses = new Set<number>();
    for (let attempt = 0; attempt < 25; attempt++) {
      const resource = await server.expectCall(201, 'POST', api, {
        token: admin,
        json: { name: `listed-${attempt}`, indicator: `https://listed-${attempt}.example.com` },
      });
      const scope = await server.expectCall(201, 'POST', `${api}/${resource.id}/scopes`, {
        token: admin,
        json: { name: 'read:listed' },
      });
      await server.expectCall(204, 'POST', `/api/v1/${realm.id}/roles/${role.id}/scopes`, {
        token: admin,
        json: { scope_ids: [scope.id] },
      });
      const [listed] = await Promise.all([
        server.call('GET', `/api/v1/${realm.id}/roles/${role.id}/scopes`, { token: admin }),
        server.call('DELETE', `${api}/${resource.id}`, { token: admin }),
      ]);
      statuses.add(listed.status);
    }
    expect([...statuses]).toEqual([200]);
  });

  it('a body on GET or DELETE is ignored, as RFC 9110 gives it no meaning, instead of an undeclared 415', async () => {
    const listed = await raw(
      'GET',
      `/api/v1/${realm.id}/users`,
      { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' },
      Buffer.from('not json'),
    );
    expect(listed.status).toBe(200);
    const role = await server.expectCall(201, 'POST', `/api/v1/${realm.id}/roles`, {
      token: admin,
      json: { name: 'r' },
    });
    const deleted = await server.call('DELETE', `/api/v1/${realm.id}/roles/${role.id}`, {
      token: admin,
      rawBody: '{',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(deleted.status).toBe(204);
  });

  it('a POST without a body schema declares the 415 it answers to a body that is not JSON', async () => {
    // server.call fails the test if the OpenAPI document does not declare the status.
    const response = await server.call('POST', `/api/users/${userId}/send-verify-email`, {
      token: admin,
      rawBody: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
  });
});

describe('fuzzing findings on the probes, introspection and the audit log', () => {
  it('a probe answers 200 whatever its query holds: it reads none, so U+0000 there is no 400', async () => {
    for (const path of ['/healthz?x=%00', '/readyz?x=%00', '/readyz?page=%ED%A0%80']) {
      // server.call fails the test if the OpenAPI document does not declare the status (probes declare no 400).
      const response = await server.call('GET', path);
      expect(response.status, path).toBe(200);
    }
  });

  it('an audit log filter outside the years 0001 to 9999 (UTC) is a 400 naming it, not a 500', async () => {
    const api = `/api/v1/${realm.id}/audit-logs`;
    for (const [name, time] of [
      ['from', '0000-02-29T13:51:03.77+21:08'],
      ['to', '0001-01-01T00:00:00+01:00'],
      ['to', '9999-12-31T23:59:59-23:00'],
    ] as const) {
      const response = await server.call('GET', `${api}?${name}=${encodeURIComponent(time)}`, { token: admin });
      expect(response.status, time).toBe(400);
      expect(response.body.details, time).toEqual([
        { path: name, message: 'must fall within the years 0001 to 9999 (UTC)' },
      ]);
    }
    const edges = `from=${encodeURIComponent('0001-01-01T00:00:00Z')}&to=${encodeURIComponent('9999-12-31T23:59:59Z')}`;
    await server.expectCall(200, 'GET', `${api}?${edges}`, { token: admin });
  });

  it('a write naming a UUID the contract refuses (version 0, wrong variant) is audited without a target id', async () => {
    const api = `/api/v1/${realm.id}`;
    for (const id of ['0199b2f6-3c6e-0d4a-9b1e-2f4f8a6c1d20', '0199b2f6-3c6e-7d4a-cb1e-2f4f8a6c1d20']) {
      await server.expectCall(400, 'DELETE', `${api}/users/${id}`, { token: admin });
    }
    // server.call fails the test if an entry does not match the document (target.id is an Id or null).
    const listed = await server.call('GET', `${api}/audit-logs?action=user.deleted`, { token: admin });
    expect(listed.status).toBe(200);
    const refused = listed.body.data.filter((entry: { status: number }) => entry.status === 400);
    expect(refused).toHaveLength(2);
    for (const entry of refused) expect(entry.target).toEqual({ type: 'user', id: null });
  });

  it('a deeply nested body with an Idempotency-Key is a 400, not a 500 (the fingerprint does not recurse)', async () => {
    for (const [shape, body] of [
      ['arrays', `${'['.repeat(30_000)}${']'.repeat(30_000)}`],
      ['objects', `${'{"a":'.repeat(9_000)}1${'}'.repeat(9_000)}`],
    ]) {
      const response = await server.call('POST', `/api/v1/${realm.id}/roles`, {
        token: admin,
        rawBody: body,
        headers: { 'content-type': 'application/json', 'idempotency-key': `deep-${shape}` },
      });
      expect(response.status, shape).toBe(400);
    }
  });

  it('introspection answers RFC 6749 errors for an undecodable realm, U+0000 and a malformed URL', async () => {
    const undecodable = await server.call('POST', '/oauth2/%FF/introspect', { form: { token: 'x' } });
    expect(undecodable.status).toBe(400);
    expect(undecodable.body).toMatchObject({
      error: 'invalid_request',
      error_description: 'The realm in the path is not valid percent-encoded UTF-8',
    });
    const nul = await server.call('POST', `/oauth2/${realm.name}/introspect`, {
      form: { token: 'x', client_id: 'a\u0000b', client_secret: 'x' },
    });
    expect(nul.status).toBe(400);
    expect(nul.body.error).toBe('invalid_request');
    const utf8AsBytes = Buffer.from('josé', 'utf8').toString('latin1');
    const malformed = await raw('POST', `/oauth2/${utf8AsBytes}/introspect`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ error: 'invalid_request', error_description: expect.any(String) });
  });
});
