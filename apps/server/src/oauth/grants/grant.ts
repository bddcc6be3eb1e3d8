import type { TokenResponse } from '@realmkit/contract';
import type { Application } from '../../applications/application.entity.ts';
import type { ClientEvent } from '../../audit/audit-log.service.ts';
import type { Clock } from '../../clock/clock.ts';
import type { HotPathCache } from '../../hot-path/hot-path.service.ts';
import type { DpopProof } from '../../oauth-protocol/dpop.ts';
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
  clock: Clock;
  /** The audit log, for grants that record what they issue (token exchange). */
  audit: GrantAudit;
}

/** How a grant writes to the audit log. */
export interface GrantAudit {
  /** Writes the entry before the answer goes: what it records is handed out only once recorded. */
  record(event: ClientEvent): Promise<void>;
  /** Writes it in the background (a refusal answers meanwhile); a failure is logged. */
  recordLater(event: ClientEvent): void;
}

/** The HTTP request a grant answers, as the audit log records it. */
export interface GrantRequest {
  id: string;
  method: string;
  path: string;
  ip: string | null;
  userAgent: string | null;
}

/** A token request whose client has authenticated and may use the grant. */
export interface GrantContext<P extends string = string> {
  realm: { id: string; name: string };
  client: Application;
  /** The grant's own parameters, each read once (RFC 6749 §3.2: none may repeat). */
  params: Readonly<Record<P, string | undefined>>;
  services: GrantServices;
  request: GrantRequest;
  /** The request's DPoP proof, verified (RFC 9449 §5): the tokens issued are bound to its key. */
  dpop?: DpopProof | undefined;
}

/** RFC 9449 §5: `DPoP` for a token bound to the request's proof key, else `Bearer`. */
export function tokenTypeOf(dpop: DpopProof | undefined): TokenResponse['token_type'] {
  return dpop ? 'DPoP' : 'Bearer';
}

/**
 * One grant type of the token endpoint: the form parameters it reads and what it answers. Each is
 * one module exporting both, in the table of `index.ts` (node-oidc-provider's `grants/*.js`).
 */
export interface Grant<P extends string = string> {
  readonly parameters: readonly P[];
  handler(context: GrantContext<P>): Promise<TokenResponse>;
}
