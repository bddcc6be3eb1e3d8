import type { TokenResponse } from '@realmkit/contract';
import type { Application } from '../../applications/application.entity.ts';
import type { HotPathCache } from '../../hot-path/hot-path.service.ts';
import type { Issuers } from '../../oauth-protocol/issuer.ts';
import type { RoleService } from '../../roles/role.service.ts';
import type { AuthorizationCodeService } from '../../sign-in/authorization-code.service.ts';
import type { UserService } from '../../users/user.service.ts';
import type { AccessTokenService } from '../access-tokens.ts';
import type { IdTokenService } from '../id-tokens.ts';
import type { TokenStoreService } from '../token-store.service.ts';

/** What grants issue with. */
export interface GrantServices {
  /** Resources and granted scopes, read through the hot-path cache. */
  cache: HotPathCache;
  tokens: AccessTokenService;
  idTokens: IdTokenService;
  issuers: Issuers;
  /** The authorization codes the sign-in pages issue. */
  codes: Pick<AuthorizationCodeService, 'redeem'>;
  /** Refresh tokens, and access tokens revoked early. */
  store: TokenStoreService;
  users: Pick<UserService, 'findActive'>;
  roles: Pick<RoleService, 'scopesGrantedToUser'>;
}

/** A token request whose client has authenticated and may use the grant. */
export interface GrantContext<P extends string = string> {
  realm: { id: string; name: string };
  client: Application;
  /** The grant's own parameters, each read once (RFC 6749 §3.2: none may repeat). */
  params: Readonly<Record<P, string | undefined>>;
  services: GrantServices;
}

/**
 * One grant type of the token endpoint: the form parameters it reads and what it answers. Each is
 * one module exporting both, in the table of `index.ts` (node-oidc-provider's `grants/*.js`).
 */
export interface Grant<P extends string = string> {
  readonly parameters: readonly P[];
  handler(context: GrantContext<P>): Promise<TokenResponse>;
}
