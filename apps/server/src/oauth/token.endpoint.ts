import { contract, DPOP_HEADER, DPOP_NONCE_HEADER } from '@realmkit/contract';
import type { Request, RequestHandler, Response } from 'express';
import type { Application } from '../applications/application.entity.ts';
import { urlPath } from '../http/url-path.ts';
import { DpopError, type DpopProof } from '../oauth-protocol/dpop.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import { param, sendJson } from '../oauth-protocol/oauth-form.ts';
import type { Realm } from '../realms/realm.entity.ts';
import { authenticateClient, type ClientVerifier, clientsThrough } from './client-auth/index.ts';
import { type GrantServices, grantOf } from './grants/index.ts';
import { oauthFormEndpoint } from './oauth-endpoint.ts';

export interface TokenEndpointDeps extends GrantServices {
  /** Checks client secrets and assertions. */
  clients: ClientVerifier;
}

/**
 * The request's DPoP proof (RFC 9449 §5), verified for this token endpoint: `undefined` when none
 * was sent and the client may do without (`dpop_bound_access_tokens`, §5.2). When the realm or the
 * client asks for nonces, every answer carries the current one (§8.2).
 */
async function dpopProofOf(
  req: Request,
  res: Response,
  { realm, client, services }: { realm: Realm; client: Application; services: GrantServices },
): Promise<DpopProof | undefined> {
  const header = req.get(DPOP_HEADER);
  const requireNonce = realm.requireDpopNonce || client.requireDpopNonce;
  if (header === undefined) {
    if (client.dpopBoundAccessTokens) {
      throw new OAuthError('invalid_dpop_proof', 'This client must send a DPoP proof (dpop_bound_access_tokens)');
    }
    return undefined;
  }
  const dpop = services.tokens.dpop;
  try {
    const proof = await dpop.verify(realm, header, {
      method: req.method,
      url: services.issuers.urlOf(contract.oauth.token.path, realm.name),
      requireNonce,
    });
    if (requireNonce) res.setHeader(DPOP_NONCE_HEADER, dpop.nonce());
    return proof;
  } catch (error) {
    if (!(error instanceof DpopError)) throw error;
    if (error.nonce) res.setHeader(DPOP_NONCE_HEADER, error.nonce);
    throw new OAuthError(error.code, error.message);
  }
}

/**
 * `POST /oauth2/{realm}/token`: the grant named by `grant_type`, from the grant registry, for the
 * client that authenticated by a method of the client authentication registry, bound to the key of
 * its DPoP proof when it sends one (RFC 9449). Served outside ts-rest so that every failure,
 * including a malformed body, is an RFC 6749 error. `hooks.afterParse` runs once the form is
 * parsed (the rate limits of client authentication).
 */
export function tokenEndpoint(
  { clients, ...services }: TokenEndpointDeps,
  hooks: { afterParse?: RequestHandler | undefined } = {},
): RequestHandler[] {
  const clientAuth = clientsThrough(services.cache, clients);
  return oauthFormEndpoint(
    services.cache,
    'token',
    async ({ req, res, realm, form, credentials }) => {
      const grantType = param(form, 'grant_type');
      if (!grantType) throw new OAuthError('invalid_request', 'The grant_type parameter is required');
      const grant = grantOf(grantType);
      if (!grant) throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${grantType}`);
      const params = Object.fromEntries(grant.parameters.map((name) => [name, param(form, name)]));
      const client = await authenticateClient(realm, credentials, clientAuth);
      // RFC 6749 §5.2: the client is not authorized to use this grant type (its `grant_types`).
      if (!client.grantTypes.includes(grantType as (typeof client.grantTypes)[number])) {
        throw new OAuthError('unauthorized_client', `This client may not use the ${grantType} grant`);
      }
      const request = {
        id: req.id,
        method: req.method,
        path: urlPath(req.originalUrl),
        ip: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
      };
      const dpop = await dpopProofOf(req, res, { realm, client, services });
      sendJson(res, 200, await grant.handler({ realm, client, params, services, request, dpop }));
    },
    hooks.afterParse,
  );
}
