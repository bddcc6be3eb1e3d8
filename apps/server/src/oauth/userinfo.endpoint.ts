import { contract } from '@realmkit/contract';
import type { RequestHandler, Response } from 'express';
import { ApiError, NotFoundError } from '../errors/api-error.ts';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import { errorDescription, presentedTokenOf } from '../http/bearer-auth.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import { preventCaching, sendJson } from '../oauth-protocol/oauth-form.ts';
import { type AccessTokenService, boundKeyOf, InvalidAccessToken } from './access-tokens.ts';
import { userClaims } from './user-claims.ts';

export interface UserinfoDeps {
  cache: Pick<HotPathCache, 'realm'>;
  tokens: AccessTokenService;
  issuers: Issuers;
}

/** RFC 6750 §3: the error in `WWW-Authenticate`, and in the body as every OAuth error of Realmkit. */
function refuse(res: Response, error: OAuthError): void {
  res.setHeader(
    'WWW-Authenticate',
    `Bearer error="${error.code}", error_description="${errorDescription(error.message)}"`,
  );
  sendJson(res, error.status, error.toBody());
}

/** A refusal in the DPoP scheme (RFC 9449 §7.1): its challenge and nonce, and the error in the body too. */
function refuseDpop(res: Response, error: ApiError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  sendJson(res, 401, { error: error.code, error_description: error.message, message: error.message });
}

/**
 * `GET|POST /oauth2/{realm}/userinfo` (OIDC Core §5.3): the claims of the user an access token acts
 * for, as its scopes release them: a bearer token (RFC 6750 §2.1), or a DPoP-bound one with its
 * proof (RFC 9449 §7). The token must be this realm's, for the userinfo endpoint (the audience of a
 * sign-in's token without `resource`), and hold `openid`.
 */
export function userinfoEndpoint(deps: UserinfoDeps): RequestHandler {
  return async (req, res, next) => {
    preventCaching(res);
    try {
      const realm = await deps.cache.realm(String(req.params.realm));
      if (!realm) throw new NotFoundError(`Realm ${req.params.realm} not found`);
      let presented: ReturnType<typeof presentedTokenOf>;
      try {
        presented = presentedTokenOf(req);
      } catch {
        throw new OAuthError('invalid_token', 'Send the access token as Authorization: Bearer (or DPoP)');
      }
      const audience = {
        url: deps.issuers.urlOf(contract.oauth.userinfo.path, realm.name),
        name: `the userinfo endpoint of realm ${realm.name}`,
      };
      let verified: Awaited<ReturnType<AccessTokenService['verifyWithSubject']>>;
      try {
        verified = await deps.tokens.verifyWithSubject(realm, presented.token, audience);
      } catch (error) {
        if (error instanceof InvalidAccessToken) throw new OAuthError('invalid_token', error.message);
        throw error;
      }
      await deps.tokens.dpop.checkBinding(realm, boundKeyOf(verified.claims), presented);
      const { claims, subject } = verified;
      const scopes = claims.scope.split(' ');
      if (!scopes.includes('openid'))
        throw new OAuthError('insufficient_scope', 'The access token lacks the openid scope');
      if (subject.kind !== 'user') {
        throw new OAuthError('invalid_token', 'The user of this access token is suspended or no longer exists');
      }
      sendJson(res, 200, userClaims(subject.user, scopes));
    } catch (error) {
      if (error instanceof OAuthError) refuse(res, error);
      else if (error instanceof ApiError && error.status === 401) refuseDpop(res, error);
      else next(error);
    }
  };
}
