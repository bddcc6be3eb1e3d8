import { createHash } from 'node:crypto';
import { ERROR_MESSAGES } from '@realmkit/contract';
import type { Request, RequestHandler, Response } from 'express';
import type { RowCheck, Versioned } from '../db/row-version.ts';
import { ApiError, BadRequestError } from '../errors/api-error.ts';
import { ANSWERED, onResponse, responseStep } from './response-hooks.ts';

/**
 * Conditional requests (RFC 9110 §13) on the resources the API serves one by one: a strong
 * `ETag` from the row's version, `If-Match` / `If-None-Match` checked by the write under the
 * row's lock (412), and `If-None-Match` on GET (304).
 */

/**
 * The strong entity tag of one state of a row: a hash of its id and version. The version changes
 * with every write (a database trigger counts them), the id keeps two rows that share a URL over
 * time (a realm deleted and created again) from sharing a tag.
 */
export function entityTag(row: Versioned): string {
  return `"${createHash('sha256').update(`${row.id}/${row.version}`).digest('base64url').slice(0, 22)}"`;
}

/** Sets the row's `ETag` on the response and returns the row, so that a route can wrap what it answers. */
export function tagged<T extends Versioned>(res: Response, row: T): T {
  res.setHeader('ETag', entityTag(row));
  return row;
}

interface EntityTag {
  readonly weak: boolean;
  /** The quoted part, quotes included. */
  readonly opaque: string;
}

const ENTITY_TAG = /^(W\/)?("[\x21\x23-\x7e\x80-\xff]*")/;

/** `*`, or the entity tags of an `If-Match` / `If-None-Match` value (RFC 9110 §8.8.3); `undefined` if malformed. */
export function parseEntityTags(value: string): '*' | EntityTag[] | undefined {
  let rest = value.trim();
  if (rest === '*') return '*';
  const tags: EntityTag[] = [];
  while (rest.length > 0) {
    const match = ENTITY_TAG.exec(rest);
    if (!match?.[2]) return undefined;
    tags.push({ weak: Boolean(match[1]), opaque: match[2] });
    rest = rest.slice(match[0].length).trimStart();
    if (rest.length === 0) break;
    if (!rest.startsWith(',')) return undefined;
    rest = rest.replace(/^[\s,]+/, '');
  }
  return tags.length > 0 ? tags : undefined;
}

/** Strong comparison (If-Match): both strong and equal. */
function strongMatch(tags: '*' | EntityTag[], current: string): boolean {
  return tags === '*' || tags.some((tag) => !tag.weak && tag.opaque === current);
}

/** Weak comparison (If-None-Match): the opaque parts are equal. */
function weakMatch(tags: '*' | EntityTag[], current: string): boolean {
  return tags === '*' || tags.some((tag) => tag.opaque === current.replace(/^W\//, ''));
}

function headerTags(req: Request, name: 'If-Match' | 'If-None-Match'): '*' | EntityTag[] | undefined {
  const value = req.get(name);
  if (value === undefined) return undefined;
  const tags = parseEntityTags(value);
  if (!tags) {
    throw new BadRequestError(`Invalid ${name} header: send "*" or entity tags in double quotes, as ETag gives them`, [
      { path: name, message: 'Not "*" or a list of entity tags' },
    ]);
  }
  return tags;
}

/**
 * The precondition of a write (`If-Match`, `If-None-Match`) as a check of the row once it is
 * locked, or `undefined` when the request has none. Throws 400 for a malformed header: ignoring
 * it would make a write unconditional that its sender meant to be conditional.
 *
 * @example
 * users.update(realmId, id, body, preconditionOf(req));
 */
export function preconditionOf(req: Request): RowCheck | undefined {
  const ifMatch = headerTags(req, 'If-Match');
  const ifNoneMatch = headerTags(req, 'If-None-Match');
  if (!ifMatch && !ifNoneMatch) return undefined;
  return (current) => {
    const tag = entityTag(current);
    if (ifMatch && !strongMatch(ifMatch, tag)) {
      throw new ApiError(412, ERROR_MESSAGES.ifMatchFailed);
    }
    if (ifNoneMatch && weakMatch(ifNoneMatch, tag)) {
      throw new ApiError(412, 'If-None-Match matches the current ETag of this resource');
    }
  };
}

/** The step of {@link notModified} among the response hooks (app.ts orders them). */
export const notModifiedStep = responseStep('not-modified');

/**
 * GET and HEAD: a 304 without a body when `If-None-Match` matches the `ETag` the route set with
 * {@link tagged} (RFC 9110 §13.1.2). Unlike Express' own freshness check, this also holds when the
 * request says `Cache-Control: no-cache`: that directive is for caches, not for the origin.
 */
export const notModified: RequestHandler = (req, res, next) => {
  const ifNoneMatch = req.get('If-None-Match');
  if ((req.method !== 'GET' && req.method !== 'HEAD') || ifNoneMatch === undefined) return next();
  onResponse(res, notModifiedStep, {
    beforeBody: () => {
      const etag = res.getHeader('ETag');
      const tags = parseEntityTags(ifNoneMatch);
      if (res.statusCode !== 200 || typeof etag !== 'string' || !tags || !weakMatch(tags, etag)) return undefined;
      res.status(304).end();
      return ANSWERED;
    },
  });
  next();
};
