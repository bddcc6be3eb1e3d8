import type { Application } from '../../applications/application.entity.ts';
import type { ClientAuthGuard } from '../../oauth-protocol/client-auth-guard.ts';
import type { OAuthForm } from '../../oauth-protocol/oauth-form-body.ts';

/**
 * What a client authentication method reads: the request's `Authorization` header and its form;
 * and the rate limits' guard of the request, which `authenticateClient` consults around the proof
 * (none when the limits are off).
 */
export interface ClientAuthRequest {
  authorization: string | undefined;
  form: OAuthForm;
  guard?: ClientAuthGuard | undefined;
}

/** The client a request claims to be, and what it sent to prove it. */
export interface ClaimedClient {
  clientId: string;
  /** The secret, for the methods that prove one. */
  secret?: string;
  /** The JWT of `private_key_jwt` (RFC 7523 §2.2), as sent. */
  assertion?: string;
}

/** The realm whose authorization server the request is at: a client assertion's `aud` names it. */
export interface ClientAuthRealm {
  id: string;
  name: string;
}

/** What the methods check a proof with. */
export interface ClientVerifier {
  /** Whether `secret` is the client's (current, or previous within its grace); as slow for `null`. */
  verifySecret(client: Application | null, secret: string): boolean | Promise<boolean>;
  /**
   * Whether `assertion` proves `client` (RFC 7523 §3): signed by one of its keys, or issued by the
   * platform of one of its federated credentials. A failure the client's developer can act on is
   * an `OAuthError` `invalid_client` saying what is wrong.
   */
  verifyAssertion(client: Application, assertion: string, realm: ClientAuthRealm): Promise<boolean>;
}

/**
 * One way for a client to authenticate at the token and introspection endpoints (RFC 6749 §2.3,
 * RFC 7591 `token_endpoint_auth_method`). Each is one module of the registry in `index.ts`.
 */
export interface ClientAuthMethod {
  /** Whether the request carries this method's credentials; a request may carry one method's only. */
  presentedIn(request: ClientAuthRequest): boolean;
  /** The client id the request claims and its proof; an `OAuthError` when they are malformed. */
  read(request: ClientAuthRequest): ClaimedClient;
  /** Whether `claimed` proves `client` (`null`: no such client; the method does the same work). */
  verify(
    client: Application | null,
    claimed: ClaimedClient,
    verifier: ClientVerifier,
    realm: ClientAuthRealm,
  ): boolean | Promise<boolean>;
}
