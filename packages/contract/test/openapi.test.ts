import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contract, generateOpenApi, MANAGEMENT_SCOPES } from '../src/index.ts';

const document = generateOpenApi();
const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
);

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
});
