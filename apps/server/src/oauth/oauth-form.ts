import express, { type Request, type RequestHandler, type Response } from 'express';
import { BODY_LIMIT } from '../http/json-body.ts';
import { OAuthError } from './oauth-error.ts';

const parseForm = express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 50 });

/** A single-valued form parameter; RFC 6749 §3.2 forbids repeating one. */
export function param(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OAuthError('invalid_request', `The ${name} parameter is repeated`);
  return value;
}

/** `client_secret_basic` (RFC 6749 §2.3.1: form-urlencoded id and secret) or `client_secret_post`. */
export function clientCredentialsOf(
  req: Request,
  body: Record<string, unknown>,
): { clientId: string; clientSecret: string } {
  const header = req.get('authorization');
  const postId = param(body, 'client_id');
  const postSecret = param(body, 'client_secret');
  if (header) {
    if (postSecret !== undefined) {
      throw new OAuthError('invalid_request', 'Use one client authentication method, not both');
    }
    const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
    const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Malformed Basic authorization header');
    try {
      const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      const clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      if (postId !== undefined && postId !== clientId) {
        throw new OAuthError('invalid_request', 'client_id does not match the Authorization header');
      }
      return { clientId, clientSecret };
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      throw new OAuthError('invalid_client', 'Malformed Basic authorization header');
    }
  }
  if (postId === undefined || postSecret === undefined) {
    throw new OAuthError(
      'invalid_client',
      'Client authentication is required (client_secret_basic or client_secret_post)',
    );
  }
  return { clientId: postId, clientSecret: postSecret };
}

export function sendOAuthError(res: Response, error: OAuthError): void {
  if (error.code === 'invalid_client') res.set('WWW-Authenticate', 'Basic realm="realmkit", charset="UTF-8"');
  res.status(error.status).json(error.toBody());
}

/** Parses a form body; an unreadable one is an RFC 6749 `invalid_request`, not a generic 400. */
export const parseOAuthForm: RequestHandler = (req, res, next) =>
  parseForm(req, res, (error?: unknown) => {
    if (error) {
      res.set({ 'Cache-Control': 'no-store' });
      sendOAuthError(res, new OAuthError('invalid_request', 'The request body could not be read as a form'));
      return;
    }
    next();
  });
