import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { OAuthError } from './oauth-error.ts';
import { type OAuthForm, readOAuthForm } from './oauth-form-body.ts';

/** A single-valued form parameter; RFC 6749 §3.2 forbids repeating one. */
export function param(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OAuthError('invalid_request', `The ${name} parameter is repeated`);
  if (value.includes('\u0000')) throw new OAuthError('invalid_request', `The ${name} parameter contains U+0000`);
  return value;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The two halves of a `Basic` Authorization header (RFC 6749 §2.3.1), still form-urlencoded:
 * `undefined` when the header is not Basic, `null` when it is but does not hold `id:secret` in
 * UTF-8 (RFC 7617 §2.1: malformed bytes are refused, not read as U+FFFD).
 */
export function basicCredentialParts(header: string | undefined): { id: string; secret: string } | null | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  let decoded: string;
  try {
    decoded = STRICT_UTF8.decode(Buffer.from(match[1], 'base64'));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** A form-urlencoded component, `+` as a space; throws a URIError when its escapes are malformed. */
export function decodeFormComponent(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** RFC 6749 §5.1: answers that carry tokens or credentials must not be cached. */
export function preventCaching(res: ServerResponse): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
}

/**
 * A JSON answer written straight to the socket: OAuth answers are `no-store`, so Express's
 * `res.json` would only add an ETag computed over every token it sends.
 */
export function sendJson(res: ServerResponse, status: number, body: object): void {
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

export function sendOAuthError(res: ServerResponse, error: OAuthError): void {
  if (error.code === 'invalid_client') res.setHeader('WWW-Authenticate', 'Basic realm="realmkit", charset="UTF-8"');
  sendJson(res, error.status, error.toBody());
}

/** The form that {@link parseOAuthForm} read, or `invalid_request` when the request sent none. */
export function formOf(req: Request, what: 'token' | 'introspection' | 'revocation'): OAuthForm {
  const form = req.body as OAuthForm | undefined;
  if (!form) throw new OAuthError('invalid_request', `Send the ${what} request as application/x-www-form-urlencoded`);
  return form;
}

/**
 * Reads the form body into `req.body` (left undefined for another content type); an unreadable
 * one is an RFC 6749 `invalid_request`, not a generic 400.
 */
export const parseOAuthForm: RequestHandler = (req, res, next) => {
  readOAuthForm(req).then(
    (form) => {
      req.body = form;
      next();
    },
    (error: unknown) => {
      if (!(error instanceof OAuthError)) return next(error);
      res.setHeader('Cache-Control', 'no-store');
      sendOAuthError(res, error);
    },
  );
};
