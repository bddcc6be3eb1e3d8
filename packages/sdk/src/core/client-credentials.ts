import {
  ACCESS_TOKEN_TYPE_URN,
  contract,
  JWT_BEARER_ASSERTION_TYPE,
  TOKEN_EXCHANGE_GRANT_TYPE,
  type TokenResponse,
} from '@realmkit/contract';
import { type ClientAssertion, type PrivateKey, privateKeyAssertion } from './client-assertion.ts';
import { DpopKey, type DpopOption } from './dpop.ts';
import { type HttpConfig, type RequestOptions, send } from './http.ts';
import { defaultHttpConfig, routeUrl } from './routes.ts';

/** Part of a token's life kept in reserve: a token is replaced when 90% of it has passed. */
export const REFRESH_MARGIN_RATIO = 0.1;

/**
 * How the client proves itself at the token endpoint: exactly one of a secret, a private key
 * (`private_key_jwt`), or an assertion its platform issues (a federated credential).
 */
export type ClientCredential =
  | {
      /** Sent in the `Authorization` header (`client_secret_basic`). */
      clientSecret: string;
      privateKey?: never;
      clientAssertion?: never;
    }
  | {
      /** Signs a fresh `private_key_jwt` assertion (RFC 7523 §2.2) for every token request: no secret is sent. */
      privateKey: PrivateKey;
      clientSecret?: never;
      clientAssertion?: never;
    }
  | {
      /** Gives the assertion of a federated credential (the platform's token) for every token request. */
      clientAssertion: ClientAssertion;
      clientSecret?: never;
      privateKey?: never;
    };

/** The options that name a credential: exactly one is given. */
export const CREDENTIAL_OPTIONS = ['clientSecret', 'privateKey', 'clientAssertion'] as const;

/**
 * Which of `names` `options` gives (set, not `undefined`), checked to be exactly one: a TypeError
 * names the choice otherwise, as a wrong setup is the caller's mistake, found where the client is made.
 */
export function oneCredentialOf(who: string, options: object, names: readonly string[] = CREDENTIAL_OPTIONS): string {
  const given = names.filter((name) => (options as Record<string, unknown>)[name] !== undefined);
  const choice = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  if (given.length === 0) throw new TypeError(`${who} needs a credential: one of ${choice}`);
  if (given.length > 1) throw new TypeError(`${who} takes one credential of ${choice}, not ${given.join(' and ')}`);
  return given[0] as string;
}

/** What a {@link ClientCredentials} takes besides its credential. */
export interface ClientCredentialsSettings {
  /** Realmkit's base URL, e.g. `https://auth.example.com`. */
  baseUrl: string;
  /** The realm whose token endpoint issues the token (the client's realm). */
  realm: string;
  /** Scopes to ask for; default: every scope the client's roles hold for the resource. */
  scopes?: readonly string[];
  /** RFC 8707 resource indicator; default: the realm's Management API. */
  resource?: string;
  fetch?: typeof fetch;
  timeout?: number;
  maxRetries?: number;
  /**
   * DPoP (RFC 9449): tokens bound to a key this client holds, useless to anyone without it. `true`
   * makes an ES256 key pair whose private key cannot be exported; or give your `{ keyPair }`.
   */
  dpop?: DpopOption;
}

/** A {@link ClientCredentials}' options: `clientId` and exactly one credential (the types allow no other). */
export type ClientCredentialsOptions = ClientCredentialsSettings & { clientId: string } & ClientCredential;

/** A token as the endpoint granted it. */
export interface AccessToken {
  accessToken: string;
  /** `Bearer`, or `DPoP`: bound to the key of {@link ClientCredentials.dpop}, sent with its proofs. */
  tokenType: string;
  /** Space-separated granted scopes. */
  scope: string;
  /** Epoch ms after which the server refuses it. */
  expiresAt: number;
  /** Epoch ms from which it is replaced on the next call. */
  refreshAt: number;
}

/**
 * A token exchange (RFC 8693): the token to act for, and how to narrow the new one. The client's
 * application must have `urn:ietf:params:oauth:grant-type:token-exchange` in its `grant_types`.
 */
export interface TokenExchangeRequest {
  /** An access token of the realm, a user's or another application's, that the new token acts for. */
  subjectToken: string;
  /** The target API's indicator (RFC 8707); default: the subject token's audience. */
  resource?: string;
  /** The target by its logical name (RFC 8693 §2.1): a resource's indicator, like `resource`. */
  audience?: string;
  /** Scopes to narrow the new token to (an array, or space-separated); default: all it may have. */
  scope?: string | readonly string[];
  /** A token of this client naming who acts (`act`): its own, or a user's signed in to it; default: the client. */
  actorToken?: string;
}

/**
 * Gets and keeps a `client_credentials` access token: fetched on first use, one request shared
 * by every concurrent caller, replaced before it expires, and dropped on demand (after a 401).
 * Usable alone, for calling your own API resource. The client proves itself with its secret, or
 * without one: with its private key (`private_key_jwt`) or its platform's token (a federated
 * credential), sent as a client assertion (RFC 7523 §2.2) made anew for every token request.
 * With `dpop`, every token request carries a DPoP proof (RFC 9449), and the tokens are bound to its
 * key: send them with a proof of {@link ClientCredentials.dpop} ({@link DpopKey}'s example).
 *
 * @example
 * const credentials = new ClientCredentials({
 *   baseUrl: 'https://auth.example.com', realm: 'acme',
 *   clientId, clientSecret, resource: 'https://api.myapp.com', scopes: ['read:posts'],
 * });
 * // or, without a secret: privateKey: { key: privateJwk }, or clientAssertion: fromTokenFile(path)
 * await fetch('https://api.myapp.com/posts', {
 *   headers: { authorization: `Bearer ${await credentials.getToken()}` },
 * });
 */
export class ClientCredentials {
  readonly #options: ClientCredentialsOptions;
  readonly #http: HttpConfig;
  /** The assertion of each token request, instead of the secret. */
  readonly #assertion: ClientAssertion | undefined;
  /** The DPoP key the tokens are bound to, with the `dpop` option. */
  readonly dpop: DpopKey | undefined;
  #current: AccessToken | undefined;
  #issuerUrl: Promise<string> | undefined;
  #inFlight: Promise<AccessToken> | undefined;

  constructor(options: ClientCredentialsOptions) {
    const credential = oneCredentialOf('ClientCredentials', options);
    if (!options.clientId) throw new TypeError(`ClientCredentials needs clientId with ${credential}`);
    this.#options = options;
    this.#http = defaultHttpConfig(options);
    this.#assertion = options.privateKey
      ? privateKeyAssertion(options.privateKey, options.clientId, () => this.#issuer())
      : options.clientAssertion;
    this.dpop = options.dpop ? new DpopKey(options.dpop) : undefined;
  }

  /**
   * A valid access token, from the cache or the token endpoint.
   *
   * @example
   * const token = await credentials.getToken();
   */
  async getToken(options?: RequestOptions): Promise<string> {
    return (await this.getAccessToken(options)).accessToken;
  }

  /**
   * The token with its granted scopes and timings.
   *
   * @example
   * const { scope, expiresAt } = await credentials.getAccessToken();
   */
  getAccessToken(options?: RequestOptions): Promise<AccessToken> {
    const current = this.#current;
    if (current && Date.now() < current.refreshAt) return Promise.resolve(current);
    this.#inFlight ??= this.#fetchToken(options).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /**
   * Forgets the cached token (only if it is `accessToken`, when given), so the next call gets
   * a new one. The SDK calls it when the API answers 401.
   *
   * @example
   * credentials.invalidate();
   */
  invalidate(accessToken?: string): void {
    if (accessToken === undefined || this.#current?.accessToken === accessToken) this.#current = undefined;
  }

  /**
   * The realm's issuer, the audience of an assertion (RFC 7523 §3), as its discovery document says
   * (once): the server's public URL may differ from `baseUrl` (a proxy, an internal address).
   */
  #issuer(): Promise<string> {
    this.#issuerUrl ??= send(this.#http, {
      method: 'GET',
      url: routeUrl(this.#options.baseUrl, contract.oauth.openidConfiguration, { realm: this.#options.realm }),
      headers: {},
      retrySafe: true,
    }).then(
      (response) => (response.body as { issuer: string }).issuer,
      (error: unknown) => {
        this.#issuerUrl = undefined;
        throw error;
      },
    );
    return this.#issuerUrl;
  }

  /**
   * Exchanges a token for a narrower one that acts for its subject (RFC 8693): a service that
   * received a user's (or another service's) token gets one for the API it calls next, with at
   * most the scopes both the token and this client hold there, whose `act` names this client.
   * The client proves itself as for its own tokens (secret, private key or assertion). The token
   * is not kept: ask again when it expires.
   *
   * @example
   * const { access_token } = await rk.tokens.exchange({
   *   subjectToken: incomingUserToken, resource: 'https://orders.example.com', scope: ['orders:read'],
   * });
   */
  async exchange(request: TokenExchangeRequest, options?: RequestOptions): Promise<TokenResponse> {
    const form = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: request.subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE_URN,
    });
    if (request.resource) form.set('resource', request.resource);
    if (request.audience) form.set('audience', request.audience);
    const scope = typeof request.scope === 'string' ? request.scope : request.scope?.join(' ');
    if (scope) form.set('scope', scope);
    if (request.actorToken) {
      form.set('actor_token', request.actorToken);
      form.set('actor_token_type', ACCESS_TOKEN_TYPE_URN);
    }
    return this.#tokenRequest(form, options);
  }

  /** A token endpoint request with this client's authentication (its secret, or its assertion). */
  async #tokenRequest(form: URLSearchParams, options: RequestOptions | undefined): Promise<TokenResponse> {
    const { clientId, clientSecret } = this.#options;
    const assertion = this.#assertion;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (!assertion)
      headers.authorization = `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret ?? '')}`)}`;
    const response = await send(
      this.#http,
      {
        method: 'POST',
        url: routeUrl(this.#options.baseUrl, contract.oauth.token, { realm: this.#options.realm }),
        headers,
        // RFC 7523 §2.2: the assertion in the form, a new one per attempt.
        body: assertion ? () => withAssertion(form, clientId, assertion) : form.toString(),
        // Asking for a token twice has no effect beyond the token.
        retrySafe: true,
        // RFC 9449 §5: a proof of the key makes the token bound to it.
        dpop: this.dpop && { key: this.dpop },
      },
      options,
    );
    return response.body as TokenResponse;
  }

  async #fetchToken(options: RequestOptions | undefined): Promise<AccessToken> {
    const { scopes, resource } = this.#options;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scopes && scopes.length > 0) form.set('scope', scopes.join(' '));
    if (resource) form.set('resource', resource);
    const started = Date.now();
    const body = await this.#tokenRequest(form, options);
    const lifetimeMs = body.expires_in * 1000;
    this.#current = {
      accessToken: body.access_token,
      tokenType: body.token_type,
      scope: body.scope ?? '',
      expiresAt: started + lifetimeMs,
      refreshAt: started + lifetimeMs * (1 - REFRESH_MARGIN_RATIO),
    };
    return this.#current;
  }
}

/** The token request's form with the client's assertion (RFC 7523 §2.2). */
async function withAssertion(form: URLSearchParams, clientId: string, assertion: ClientAssertion): Promise<string> {
  const value = await assertion();
  if (typeof value !== 'string' || value === '') throw new TypeError('clientAssertion gave no assertion');
  const body = new URLSearchParams(form);
  body.set('client_id', clientId);
  body.set('client_assertion_type', JWT_BEARER_ASSERTION_TYPE);
  body.set('client_assertion', value);
  return body.toString();
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
