import { contract } from '@realmkit/contract';
import { type HttpConfig, type RequestOptions, send } from './http.ts';
import { defaultHttpConfig, routeUrl } from './routes.ts';

/** Part of a token's life kept in reserve: a token is replaced when 90% of it has passed. */
export const REFRESH_MARGIN_RATIO = 0.1;

export interface ClientCredentialsOptions {
  /** Realmkit's base URL, e.g. `https://auth.example.com`. */
  baseUrl: string;
  /** The realm whose token endpoint issues the token (the client's realm). */
  realm: string;
  clientId: string;
  clientSecret: string;
  /** Scopes to ask for; default: every scope the client's roles hold for the resource. */
  scopes?: readonly string[];
  /** RFC 8707 resource indicator; default: the realm's Management API. */
  resource?: string;
  fetch?: typeof fetch;
  timeout?: number;
  maxRetries?: number;
}

/** A token as the endpoint granted it. */
export interface AccessToken {
  accessToken: string;
  /** Space-separated granted scopes. */
  scope: string;
  /** Epoch ms after which the server refuses it. */
  expiresAt: number;
  /** Epoch ms from which it is replaced on the next call. */
  refreshAt: number;
}

interface TokenResponseBody {
  access_token: string;
  expires_in: number;
  scope?: string;
}

/**
 * Gets and keeps a `client_credentials` access token: fetched on first use, one request shared
 * by every concurrent caller, replaced before it expires, and dropped on demand (after a 401).
 * Usable alone, for calling your own API resource.
 *
 * @example
 * const credentials = new ClientCredentials({
 *   baseUrl: 'https://auth.example.com', realm: 'acme',
 *   clientId, clientSecret, resource: 'https://api.myapp.com', scopes: ['read:posts'],
 * });
 * await fetch('https://api.myapp.com/posts', {
 *   headers: { authorization: `Bearer ${await credentials.getToken()}` },
 * });
 */
export class ClientCredentials {
  readonly #options: ClientCredentialsOptions;
  readonly #http: HttpConfig;
  #current: AccessToken | undefined;
  #inFlight: Promise<AccessToken> | undefined;

  constructor(options: ClientCredentialsOptions) {
    this.#options = options;
    this.#http = defaultHttpConfig(options);
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

  async #fetchToken(options: RequestOptions | undefined): Promise<AccessToken> {
    const { clientId, clientSecret, scopes, resource } = this.#options;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scopes && scopes.length > 0) form.set('scope', scopes.join(' '));
    if (resource) form.set('resource', resource);
    const started = Date.now();
    const response = await send(
      this.#http,
      {
        method: 'POST',
        url: routeUrl(this.#options.baseUrl, contract.oauth.token, { realm: this.#options.realm }),
        headers: {
          authorization: `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`)}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form.toString(),
        // Asking for a token twice has no effect beyond the token.
        retrySafe: true,
      },
      options,
    );
    const body = response.body as TokenResponseBody;
    const lifetimeMs = body.expires_in * 1000;
    this.#current = {
      accessToken: body.access_token,
      scope: body.scope ?? '',
      expiresAt: started + lifetimeMs,
      refreshAt: started + lifetimeMs * (1 - REFRESH_MARGIN_RATIO),
    };
    return this.#current;
  }
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
