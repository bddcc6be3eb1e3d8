import express, { type Request, type RequestHandler, type Response } from 'express';
import { NotFoundError } from '../http/api-error.ts';
import { BODY_LIMIT } from '../http/json-body.ts';
import type { RealmService } from '../realms/realm.service.ts';
import { type ClientCredentialsDeps, clientCredentialsGrant } from './client-credentials.grant.ts';
import { OAuthError } from './oauth-error.ts';

const parseForm = express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 50 });

/** A single-valued form parameter; RFC 6749 §3.2 forbids repeating one. */
function param(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OAuthError('invalid_request', `The ${name} parameter is repeated`);
  return value;
}

/** `client_secret_basic` (RFC 6749 §2.3.1: form-urlencoded id and secret) or `client_secret_post`. */
function clientCredentialsOf(req: Request, body: Record<string, unknown>): { clientId: string; clientSecret: string } {
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

function sendOAuthError(res: Response, error: OAuthError): void {
  if (error.code === 'invalid_client') res.set('WWW-Authenticate', 'Basic realm="realmkit", charset="UTF-8"');
  res.status(error.status).json(error.toBody());
}

/**
 * `POST /oauth2/{realm}/token`. Served outside ts-rest so that every failure, including a
 * malformed body, is an RFC 6749 error. `hooks.afterParse` runs once the form is parsed (the
 * rate limits, which need the claimed client_id).
 */
export function tokenEndpoint(
  realms: RealmService,
  deps: ClientCredentialsDeps,
  hooks: { afterParse?: RequestHandler | undefined } = {},
): RequestHandler[] {
  const handle: RequestHandler = async (req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    try {
      const realm = await realms.findByRef(String(req.params.realm));
      if (!realm) throw new NotFoundError(`Realm ${req.params.realm} not found`);
      if (!req.is('application/x-www-form-urlencoded')) {
        throw new OAuthError('invalid_request', 'Send the token request as application/x-www-form-urlencoded');
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const grantType = param(body, 'grant_type');
      if (!grantType) throw new OAuthError('invalid_request', 'The grant_type parameter is required');
      if (grantType !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${grantType}`);
      }
      const client = clientCredentialsOf(req, body);
      res.json(
        await clientCredentialsGrant(deps, {
          realm,
          ...client,
          scope: param(body, 'scope'),
          resource: param(body, 'resource'),
        }),
      );
    } catch (error) {
      if (error instanceof OAuthError) sendOAuthError(res, error);
      else next(error);
    }
  };
  const parse: RequestHandler = (req, res, next) =>
    parseForm(req, res, (error?: unknown) => {
      if (error) {
        res.set({ 'Cache-Control': 'no-store' });
        sendOAuthError(res, new OAuthError('invalid_request', 'The request body could not be read as a form'));
        return;
      }
      next();
    });
  return hooks.afterParse ? [parse, hooks.afterParse, handle] : [parse, handle];
}
