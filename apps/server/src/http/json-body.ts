import { ERROR_MESSAGES, MAX_BODY_BYTES } from '@realmkit/contract';
import express, { type RequestHandler } from 'express';
import { ApiError } from '../errors/api-error.ts';

/**
 * Refuses a body that is not well-formed in its charset (UTF-8 unless it says otherwise): body-parser
 * decodes leniently, so `C3 28`, `FF FE` or an overlong `C0 AF` became U+FFFD and were stored.
 * A charset that body-parser knows but the WHATWG decoder does not (`utf-7`, `utf-32`) is refused
 * with 415: RFC 8259 §8.1 asks for UTF-8 anyway.
 */
function verifyEncoding(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  let decoder: { decode(input: Uint8Array): string };
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new ApiError(415, `Unsupported request body charset ${encoding.toUpperCase()}: send UTF-8`);
  }
  try {
    decoder.decode(body);
  } catch {
    throw new ApiError(400, `The request body is not valid ${encoding.toUpperCase()}`);
  }
}

const parseJson = express.json({ limit: MAX_BODY_BYTES, strict: true, verify: verifyEncoding });

/** Methods whose content has no defined meaning (RFC 9110 §9.3): their bodies are not read. */
const IGNORED_BODY_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/**
 * JSON bodies only: a request with a body of another type is refused with 415 rather than
 * reaching validation as `undefined`. A body sent with GET, HEAD, DELETE or OPTIONS is ignored,
 * as most servers do, rather than refused with a status those operations do not declare.
 */
export const jsonBody: RequestHandler = (req, res, next) => {
  if (IGNORED_BODY_METHODS.has(req.method)) {
    next();
    return;
  }
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    next(new ApiError(415, ERROR_MESSAGES.notJson));
    return;
  }
  parseJson(req, res, next);
};
