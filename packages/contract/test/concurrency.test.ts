import { describe, expect, it } from 'vitest';
import type { RouteMetadata } from '../src/index.ts';
import {
  concurrencyErrorNote,
  concurrencyResponseHeaders,
  declaresHeader,
  notModifiedResponse,
} from '../src/openapi/concurrency.ts';
import { sample } from './support/sample-contract.ts';

const { list, create, update, delete: remove } = sample.widgets;
const metadataOf = (route: { metadata: unknown }) => route.metadata as RouteMetadata;

describe('declaresHeader', () => {
  it("reads the route's ts-rest headers, by lowercase name", () => {
    expect(declaresHeader(list, 'if-none-match')).toBe(true);
    expect(declaresHeader(update, 'if-match')).toBe(true);
    expect(declaresHeader(create, 'idempotency-key')).toBe(true);
    expect(declaresHeader(remove, 'if-match')).toBe(false);
    expect(declaresHeader(sample.oauth.token, 'idempotency-key')).toBe(false);
  });
});

describe('notModifiedResponse', () => {
  it('is a 304 with an ETag for the GETs that take If-None-Match, strong for a resource with an ETag', () => {
    expect(notModifiedResponse(list, metadataOf(list))?.headers?.ETag).toMatchObject({
      description: expect.stringContaining('Weak'),
    });
    expect(
      notModifiedResponse({ ...list, metadata: { tag: 'x', etag: true } }, { tag: 'x', etag: true }),
    ).toMatchObject({ headers: { ETag: { description: expect.stringContaining('Strong') } } });
    expect(notModifiedResponse(update, metadataOf(update))).toBeUndefined();
  });
});

describe('concurrencyErrorNote', () => {
  it('explains 412 on conditional writes, and 409 and 422 on POSTs that take Idempotency-Key', () => {
    expect(concurrencyErrorNote(update, 412)).toMatch(/^`precondition_failed`: `If-Match` does not match/);
    expect(concurrencyErrorNote(create, 409)).toBe(
      '`idempotency_key_in_progress`: a request with this `Idempotency-Key` is still being processed; retry after `Retry-After`.',
    );
    expect(concurrencyErrorNote(create, 422)).toBe(
      '`idempotency_key_reused`: this `Idempotency-Key` was used with another request body or path.',
    );
    expect(concurrencyErrorNote(update, 409)).toBeUndefined();
    expect(concurrencyErrorNote(remove, 412)).toBeUndefined();
  });
});

describe('concurrencyResponseHeaders', () => {
  it('gives the successes of a resource with an ETag their ETag, and kept answers Idempotent-Replayed', () => {
    expect(Object.keys(concurrencyResponseHeaders(list, metadataOf(list), 200))).toEqual(['ETag']);
    expect(concurrencyResponseHeaders(update, metadataOf(update), 200).ETag).toMatchObject({
      description: 'Strong entity tag of the resource after this change.',
    });
    expect(Object.keys(concurrencyResponseHeaders(create, metadataOf(create), 201))).toEqual([
      'ETag',
      'Idempotent-Replayed',
    ]);
    expect(Object.keys(concurrencyResponseHeaders(create, metadataOf(create), 409))).toEqual([
      'Idempotent-Replayed',
      'Retry-After',
    ]);
    expect(concurrencyResponseHeaders(create, metadataOf(create), 400)).toEqual({});
    expect(concurrencyResponseHeaders(remove, metadataOf(remove), 204)).toEqual({});
  });
});
