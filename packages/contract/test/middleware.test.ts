import { initContract } from '@ts-rest/core';
import { describe, expect, it } from 'vitest';
import { IdempotencyKey, IfMatch, IfNoneMatchOnRead, IfNoneMatchOnWrite } from '../src/common/concurrency.ts';
import { ErrorBody, errorResponses } from '../src/common/errors.ts';
import { requires } from '../src/common/metadata.ts';
import { readsJsonBody, withMiddleware } from '../src/common/middleware.ts';
import { REALM_MANAGEMENT_RESPONSES } from '../src/common/responses.ts';
import { CreateWidgetBody, sample } from './support/sample-contract.ts';

const c = initContract();
const statusesOf = (route: { responses: object }) => Object.keys(route.responses).map(Number);

describe('withMiddleware', () => {
  it('declares If-None-Match on every GET', () => {
    expect(sample.widgets.list.headers).toEqual({ 'if-none-match': IfNoneMatchOnRead });
    expect(sample.oauth.jwks.headers).toEqual({ 'if-none-match': IfNoneMatchOnRead });
  });

  it('declares If-Match and If-None-Match, and 412, on the writes of a resource with an ETag', () => {
    expect(sample.widgets.update.headers).toEqual({ 'if-match': IfMatch, 'if-none-match': IfNoneMatchOnWrite });
    expect(statusesOf(sample.widgets.update)).toContain(412);
    // Without `etag`, a DELETE is unconditional; a POST creating a resource is never conditional.
    expect(Reflect.get(sample.widgets.delete, 'headers')).toBeUndefined();
    expect(statusesOf(sample.widgets.delete)).not.toContain(412);
    expect(statusesOf(sample.widgets.create)).not.toContain(412);
  });

  it("declares If-Match on a POST that acts on a resource (`action`), and Idempotency-Key, 409 and 422 on a scope's POSTs", () => {
    const { rotate } = withMiddleware({
      rotate: {
        method: 'POST',
        path: '/rotate',
        body: c.noBody(),
        responses: { 200: ErrorBody },
        metadata: requires('realms:write', 'Realms', { etag: true, action: true }),
      },
    });
    expect(Object.keys(rotate.headers)).toEqual(['if-match', 'if-none-match', 'idempotency-key']);
    expect(rotate.headers['idempotency-key']).toBe(IdempotencyKey);
    expect(statusesOf(rotate)).toEqual(expect.arrayContaining([409, 412, 413, 415, 422]));
    expect(Reflect.get(sample.oauth.token, 'headers')).toBeUndefined();
  });

  it("declares the JSON body parser's 413 and 415 on JSON POST, PUT and PATCH only", () => {
    expect(readsJsonBody(sample.widgets.create)).toBe(true);
    expect(readsJsonBody(sample.widgets.update)).toBe(true);
    expect(readsJsonBody(sample.widgets.delete)).toBe(false);
    expect(readsJsonBody(sample.widgets.list)).toBe(false);
    expect(readsJsonBody(sample.oauth.token)).toBe(false);
    expect(statusesOf(sample.oauth.token)).not.toContain(413);
  });

  it("keeps the route's own responses over its own", () => {
    const { create } = withMiddleware({
      create: {
        method: 'POST',
        path: '',
        body: CreateWidgetBody,
        responses: { 201: ErrorBody, ...errorResponses(409) },
        metadata: requires('roles:write', 'Widgets'),
      },
    });
    expect(create.responses[201]).toBe(ErrorBody);
    expect(statusesOf(create).sort()).toEqual([201, 409, 413, 415, 422]);
  });
});

describe("ts-rest's commonResponses", () => {
  it("merge under each route's own responses (@ts-rest/core 3.53.0-rc.1)", () => {
    const router = c.router(
      { get: { method: 'GET', path: '/x', responses: { 200: CreateWidgetBody, 404: CreateWidgetBody } } },
      { commonResponses: REALM_MANAGEMENT_RESPONSES },
    );
    expect(statusesOf(router.get).sort()).toEqual([200, 400, 401, 403, 404, 429, 503]);
    expect(router.get.responses[404]).toBe(CreateWidgetBody);
    expect(router.get.responses[401]).toBe(ErrorBody);
  });
});
