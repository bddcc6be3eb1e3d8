import { contract } from '@realmkit/contract';
import type { RequestHandler, Response } from 'express';
import { NotFoundError } from '../errors/api-error.ts';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import { preventCaching, sendJson } from '../oauth-protocol/oauth-form.ts';
import { type AccessTokenService, InvalidAccessToken } from './access-tokens.ts';
import { userClaims } from './user-claims.ts';

export interface UserinfoDeps {
  cache: Pick<HotPathCache, 'realm'>;
  tokens: AccessTokenService;
  issuers: Issuers;
}

/** RFC 6750 §3: the error in `WWW-Authenticate`, and in the body as every OAuth error of Realmkit. */
function refuse(res: Response, error: OAuthError): void {
  const description = error.message.replace(/["\\]/g, '');
  res.setHeader('WWW-Authenticate', `Bearer error="${error.code}", error_description="${description}"`);
  sendJson(res, error.status, error.toBody());
}

/**
 * `GET|POST /oauth2/{realm}/userinfo` (OIDC Core §5.3): the claims of the user a bearer access
 * token acts for (RFC 6750 §2.1), as its scopes release them. The token must be this realm's, for
 * the userinfo endpoint (the audience of a sign-in's token without `resource`), and hold `openid`.
 */
export function userinfoEndpoint(deps: UserinfoDeps): RequestHandler {
  return async (req, res, next) => {
    preventCaching(res);
    try {
      const realm = await deps.cache.realm(String(req.params.realm));
      if (!realm) throw new NotFoundError(`Realm ${req.params.realm} not found`);
      const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(req.get('authorization') ?? '');
      if (!match?.[1]) throw new OAuthError('invalid_token', 'Send the access token as Authorization: Bearer');
      const audience = deps.issuers.urlOf(contract.oauth.userinfo.path, realm.name);
      let verified: Awaited<ReturnType<AccessTokenService['verifyWithSubject']>>;
      try {
        verified = await deps.tokens.verifyWithSubject(realm, match[1], audience);
      } catch (error) {
        if (error instanceof InvalidAccessToken) throw new OAuthError('invalid_token', error.message);
        throw error;
      }
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
      else next(error);
    }
  };
}
