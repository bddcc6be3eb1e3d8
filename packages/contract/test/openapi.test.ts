import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  contract,
  ERROR_CODES,
  type ErrorBody,
  generateOpenApi,
  MANAGEMENT_SCOPES,
  type RouteMetadata,
} from '../src/index.ts';

const document = generateOpenApi();
const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
);

/** The names of an operation's header parameters. */
function headerParameters(operation: { parameters?: unknown[] }): string[] {
  return (operation.parameters ?? []).flatMap((parameter) => {
    const { in: location, name } = parameter as { in?: string; name?: string };
    return location === 'header' && name ? [name] : [];
  });
}

/** A response as the generator writes it: inline, JSON content with an example or named examples. */
interface DocumentedResponse {
  content?: Record<
    string,
    { schema?: { $ref?: string }; example?: unknown; examples?: Record<string, { value?: unknown }> }
  >;
}

describe('the OpenAPI document', () => {
  it('is committed as generated (run `npm run openapi` after changing the contract)', () => {
    const committed = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(document);
  });

  it('has one operation per contract route, each with a unique operationId', () => {
    const routeCount = Object.values(contract).reduce((count, router) => count + Object.keys(router).length, 0);
    expect(operations).toHaveLength(routeCount);
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("states each protected route's scope in `security`, and only management scopes", () => {
    const usersList = document.paths?.['/api/v1/{realm}/users']?.get;
    expect(usersList?.security).toEqual([{ managementToken: ['users:read'] }]);
    for (const { operation } of operations) {
      for (const requirement of operation.security ?? []) {
        for (const scope of requirement.managementToken ?? []) expect(MANAGEMENT_SCOPES).toContain(scope);
      }
    }
  });

  it('describes request bodies as strict and references shared error schemas', () => {
    const create = document.paths?.['/api/v1/{realm}/users']?.post;
    expect(create?.requestBody).toBeDefined();
    expect(document.components?.schemas?.CreateUser).toMatchObject({ additionalProperties: false });
    expect(create?.responses?.['409']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
  });

  it('gives every operation an operationId, one tag described at the top level, a summary and a description', () => {
    const tags = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const { path, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(operation.operationId, where).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
      expect(operation.tags, where).toHaveLength(1);
      expect(tags.get(operation.tags?.[0] ?? ''), `${where}: add its tag to TAG_DESCRIPTIONS`).toBeTruthy();
      expect(operation.summary, where).toBeTruthy();
      expect(operation.description, `${where}: add a \`description\` to its contract route`).toBeTruthy();
    }
  });

  it('gives every error response a schema and an example of it: `Error` with the code of its status, or RFC 6749', () => {
    for (const { path, method, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses ?? {}) as [string, DocumentedResponse][]) {
        if (Number(status) < 400) continue;
        const where = `${operation.operationId} ${status}`;
        const media = response.content?.['application/json'];
        expect(media?.schema, where).toBeDefined();
        const examples =
          media?.example !== undefined ? [media.example] : Object.values(media?.examples ?? {}).map((e) => e.value);
        expect(examples.length, `${where} (${method.toUpperCase()} ${path}) has no example`).toBeGreaterThan(0);
        if (media?.schema?.$ref === '#/components/schemas/Error') {
          expect(examples[0], where).toMatchObject({
            error: ERROR_CODES[Number(status) as keyof typeof ERROR_CODES],
            message: expect.any(String),
          });
        } else {
          expect(media?.schema, where).toEqual({ $ref: '#/components/schemas/OAuthError' });
          for (const example of examples) {
            expect(example, where).toMatchObject({ error: expect.any(String), error_description: expect.any(String) });
          }
        }
      }
    }
  });

  it("gives the 503 of each route that hashes or checks a password both codes' examples, its status's own first", () => {
    const passwordRoutes = Object.entries(contract).flatMap(([router, routes]) =>
      Object.entries(routes).flatMap(([name, route]) =>
        (route.metadata as RouteMetadata).passwordWork ? [`${router}_${name}`] : [],
      ),
    );
    expect(passwordRoutes).toEqual([
      'users_create',
      'users_setPassword',
      'users_verifyPassword',
      'usersByRealmName_create',
      'usersByRealmName_resetPassword',
    ]);
    for (const { operation } of operations) {
      const busy = (operation.responses?.['503'] as DocumentedResponse | undefined)?.content?.['application/json'];
      if (!busy) continue;
      const codes = busy.example === undefined ? Object.keys(busy.examples ?? {}) : [(busy.example as ErrorBody).error];
      expect(codes, operation.operationId).toEqual(
        passwordRoutes.includes(operation.operationId ?? '')
          ? ['service_unavailable', 'password_checks_busy']
          : ['service_unavailable'],
      );
    }
  });

  it('documents the token endpoint: a form body with an example, RFC 6749 errors for 400 and 401, no bearer token', () => {
    const token = document.paths?.['/oauth2/{realm}/token']?.post;
    const form = token?.requestBody && 'content' in token.requestBody ? token.requestBody.content : {};
    expect(Object.keys(form)).toEqual(['application/x-www-form-urlencoded']);
    expect(form['application/x-www-form-urlencoded']?.example).toMatchObject({ grant_type: 'client_credentials' });
    expect(token?.security).toEqual([]);
    const codes = (status: string) =>
      Object.keys(token?.responses?.[status]?.content?.['application/json']?.examples ?? {});
    expect(codes('400')).toEqual(
      expect.arrayContaining(['invalid_request', 'unsupported_grant_type', 'invalid_scope']),
    );
    expect(codes('401')).toEqual(['invalid_client']);
  });

  it('gives every request body an example, and public routes an empty `security`', () => {
    for (const { operation } of operations) {
      for (const [type, media] of Object.entries((operation.requestBody as { content?: object })?.content ?? {})) {
        expect((media as { example?: unknown }).example, `${operation.operationId} ${type}`).toBeDefined();
      }
      if (!operation['x-required-scope']) expect(operation.security, operation.operationId).toEqual([]);
    }
  });

  it('declares 413 and 415 wherever a JSON body is taken: the body parser answers them before any route', () => {
    for (const { operation } of operations) {
      const content = (operation.requestBody as { content?: object } | undefined)?.content ?? {};
      if (!('application/json' in content)) continue;
      expect(Object.keys(operation.responses ?? {}), operation.operationId).toEqual(
        expect.arrayContaining(['400', '413', '415']),
      );
    }
  });

  it('declares conditional requests: If-None-Match and 304 on GETs, If-Match and 412 on writes of ETag resources', () => {
    const routes = contract as unknown as Record<string, Record<string, { method: string; metadata: RouteMetadata }>>;
    let conditionalWrites = 0;
    for (const { path, method, operation } of operations) {
      const [group = '', name = ''] = (operation.operationId ?? '').split('_');
      const metadata = routes[group]?.[name]?.metadata;
      const where = `${method.toUpperCase()} ${path}`;
      const headers = headerParameters(operation);
      const responses = operation.responses ?? {};
      if (method === 'get') {
        expect(headers, where).toContain('If-None-Match');
        expect(responses['304']?.headers?.ETag, where).toBeDefined();
        expect(responses['200']?.headers?.ETag, where).toBeDefined();
      }
      const isAction = method === 'post' && metadata?.action === true;
      if (metadata?.etag && (['patch', 'put', 'delete'].includes(method) || isAction)) {
        conditionalWrites++;
        expect(headers, where).toEqual(expect.arrayContaining(['If-Match', 'If-None-Match']));
        expect(responses['412']?.content?.['application/json']?.example, where).toMatchObject({
          error: 'precondition_failed',
        });
        // An action answers the new ETag of the resource it acted on, like a PATCH.
        if (isAction) expect(responses['200']?.headers?.ETag, where).toBeDefined();
      } else {
        expect(headers, where).not.toContain('If-Match');
        expect(responses['412'], where).toBeUndefined();
      }
    }
    // PATCH/PUT/DELETE of realms, users (and their password and suspension), applications, roles,
    // resources, resource scopes, and the users API by realm name; the POST actions rotating an
    // application's secret and a realm's signing keys.
    expect(conditionalWrites).toBe(19);
  });

  it('declares Idempotency-Key on the POSTs that take a token, with their 409, 422 and Idempotent-Replayed', () => {
    const posts = operations.filter(({ method }) => method === 'post');
    for (const { path, operation } of posts) {
      const headers = headerParameters(operation);
      const responses = operation.responses ?? {};
      if (!operation['x-required-scope']) {
        expect(headers, path).not.toContain('Idempotency-Key');
        continue;
      }
      expect(headers, path).toContain('Idempotency-Key');
      expect(responses['409']?.description, path).toContain('idempotency_key_in_progress');
      expect(responses['409']?.headers?.['Retry-After'], path).toBeDefined();
      expect(responses['422']?.description, path).toContain('idempotency_key_reused');
      const success = Object.keys(responses).find((status) => status.startsWith('2')) ?? '';
      expect(responses[success]?.headers?.['Idempotent-Replayed'], path).toBeDefined();
    }
    expect(posts.filter(({ operation }) => operation['x-required-scope']).length).toBeGreaterThan(10);
  });
});
