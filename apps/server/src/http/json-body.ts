import express, { type RequestHandler } from 'express';
import { ApiError } from './api-error.ts';

export const BODY_LIMIT = '100kb';

const parseJson = express.json({ limit: BODY_LIMIT, strict: true });

/**
 * JSON bodies only: a request with a body of another type is refused with 415 rather than
 * reaching validation as `undefined`.
 */
export const jsonBody: RequestHandler = (req, res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    next(new ApiError(415, 'Send the request body as application/json'));
    return;
  }
  parseJson(req, res, next);
};
