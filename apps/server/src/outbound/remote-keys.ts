import { createRemoteJWKSet, customFetch, type FetchImplementation, type JWTVerifyGetKey } from 'jose';
import { OutboundFetchError } from './outbound-fetch-error.ts';
import { outboundUrlProblem } from './outbound-url.ts';
import type { SafeFetch, SafeFetchInit } from './safe-fetch.ts';

/** What a discovery answered for an issuer, kept until `until` (ms since the epoch). */
interface Discovery {
  jwksUri: Promise<string>;
  until: number;
}

/** The path OpenID Connect Discovery §4 appends to an issuer. */
const DISCOVERY_PATH = '/.well-known/openid-configuration';

/**
 * The key sets Realmkit verifies client-signed JWTs with, fetched from the URLs clients name
 * through the safe fetch, within its limits (the contract's `OUTBOUND_FETCH_LIMITS`):
 * - {@link keySet}: one jose remote key set per `jwks_uri`, the most recently used `maxCachedUris`
 *   kept. Keys are kept `cacheSeconds` (a changed document is seen within it); a JWT whose `kid`
 *   is not among them fetches the document again, at most once per `refreshFloorSeconds`; a fetch
 *   that failed is not tried again before `refreshFloorSeconds` either, so that a broken or slow
 *   `jwks_uri` costs one fetch per floor, not one per token request.
 * - {@link issuerKeySet}: the key set of a federated issuer, its `jwks_uri` given or found by
 *   OpenID Connect Discovery (kept `cacheSeconds`; a failure `refreshFloorSeconds`).
 *
 * Time is `Date.now()`, which jose's remote key sets read: the two caches move together.
 * Fetching fails with an {@link OutboundFetchError}; a key that is not in a fetched set fails with
 * jose's `JWKSNoMatchingKey` (or `JWKSMultipleMatchingKeys`). Their messages suit an
 * `error_description`.
 */
export class RemoteKeys {
  readonly #fetch: SafeFetch;
  /** By URI, least recently used first. */
  readonly #keySets = new Map<string, JWTVerifyGetKey>();
  /** By issuer, least recently used first. */
  readonly #discoveries = new Map<string, Discovery>();

  constructor(fetch: SafeFetch) {
    this.#fetch = fetch;
  }

  /**
   * The key set at `jwksUri`, for jose's `jwtVerify`. Throws an {@link OutboundFetchError}
   * (`url_not_allowed`) at once when the URL breaks the URL rule.
   */
  keySet(jwksUri: string): JWTVerifyGetKey {
    const cached = this.#keySets.get(jwksUri);
    if (cached !== undefined) return remember(this.#keySets, jwksUri, cached, this.#fetch.limits.maxCachedUris);
    const problem = outboundUrlProblem(jwksUri, this.#fetch.policy);
    if (problem !== undefined) throw new OutboundFetchError('url_not_allowed', `${jwksUri} ${problem}`);
    const { limits } = this.#fetch;
    const keySet = createRemoteJWKSet(new URL(jwksUri), {
      [customFetch]: this.#keySetFetch(),
      cacheMaxAge: limits.cacheSeconds * 1000,
      cooldownDuration: limits.refreshFloorSeconds * 1000,
      timeoutDuration: Math.round(limits.timeoutSeconds * 1000),
    });
    return remember(this.#keySets, jwksUri, keySet, limits.maxCachedUris);
  }

  /**
   * The key set of a federated `issuer`: at `jwksUri` when one is given, else at the `jwks_uri` of
   * the issuer's OpenID Provider configuration, whose `issuer` must be exactly `issuer`
   * (OpenID Connect Discovery §4.3).
   */
  async issuerKeySet(issuer: string, jwksUri?: string): Promise<JWTVerifyGetKey> {
    return this.keySet(jwksUri ?? (await this.#jwksUriOf(issuer)));
  }

  /**
   * jose's fetch for one key set: the safe fetch, answering only a 200 JSON Web Key Set (so that
   * every way a fetch fails is an {@link OutboundFetchError}), and answering a failure again,
   * without fetching, until `refreshFloorSeconds` after it.
   */
  #keySetFetch(): FetchImplementation {
    let failure: { error: OutboundFetchError; until: number } | undefined;
    return async (url, init) => {
      if (failure !== undefined && Date.now() < failure.until) throw failure.error;
      try {
        const document = await this.#getJson(url, init, 'a JSON Web Key Set');
        if (!isJwkSet(document)) throw new OutboundFetchError('bad_response', `${url} is not a JSON Web Key Set`);
        failure = undefined;
        return Response.json(document);
      } catch (error) {
        // jose's own time limit (the same as the safe fetch's) aborts with its signal's reason.
        const fetchError =
          error instanceof OutboundFetchError
            ? error
            : init.signal.aborted
              ? new OutboundFetchError('timeout', this.#timeoutMessage(url), { cause: error })
              : undefined;
        if (fetchError === undefined) throw error;
        failure = { error: fetchError, until: Date.now() + this.#fetch.limits.refreshFloorSeconds * 1000 };
        throw fetchError;
      }
    };
  }

  #jwksUriOf(issuer: string): Promise<string> {
    const { limits } = this.#fetch;
    const cached = this.#discoveries.get(issuer);
    if (cached !== undefined && Date.now() < cached.until) {
      return remember(this.#discoveries, issuer, cached, limits.maxCachedUris).jwksUri;
    }
    // Kept while under way too, so that concurrent requests share one fetch.
    const discovery: Discovery = { jwksUri: this.#discover(issuer), until: Number.POSITIVE_INFINITY };
    discovery.jwksUri.then(
      () => {
        discovery.until = Date.now() + limits.cacheSeconds * 1000;
      },
      () => {
        discovery.until = Date.now() + limits.refreshFloorSeconds * 1000;
      },
    );
    return remember(this.#discoveries, issuer, discovery, limits.maxCachedUris).jwksUri;
  }

  /** The `jwks_uri` of `issuer`'s OpenID Provider configuration (OpenID Connect Discovery §4). */
  async #discover(issuer: string): Promise<string> {
    const { policy } = this.#fetch;
    const problem = outboundUrlProblem(issuer, policy);
    if (problem !== undefined) throw new OutboundFetchError('url_not_allowed', `The issuer ${issuer} ${problem}`);
    // An issuer has no query (OpenID Connect Discovery §3): one would swallow the path appended.
    if (new URL(issuer).search !== '') {
      throw new OutboundFetchError('url_not_allowed', `The issuer ${issuer} must not contain a query`);
    }
    const location = `${issuer.replace(/\/$/, '')}${DISCOVERY_PATH}`;
    const document = await this.#getJson(location, {}, 'an OpenID Provider configuration');
    if (!isObject(document) || document.issuer !== issuer) {
      throw new OutboundFetchError(
        'bad_response',
        `${location} is not the configuration of the issuer ${issuer} (its issuer must be exactly that)`,
      );
    }
    const jwksUri = document.jwks_uri;
    if (typeof jwksUri !== 'string') throw new OutboundFetchError('bad_response', `${location} has no jwks_uri`);
    const jwksProblem = outboundUrlProblem(jwksUri, policy);
    if (jwksProblem !== undefined) {
      throw new OutboundFetchError(
        'url_not_allowed',
        `The jwks_uri of the issuer ${issuer}, ${jwksUri}, ${jwksProblem}`,
      );
    }
    return jwksUri;
  }

  /** The JSON body of a 200 answer to a GET of `url`. */
  async #getJson(url: string, init: SafeFetchInit, what: string): Promise<unknown> {
    const response = await this.#fetch(url, {
      ...init,
      headers: { accept: 'application/json', ...Object.fromEntries(new Headers(init.headers)) },
    });
    if (response.status !== 200) {
      throw new OutboundFetchError('bad_response', `${url} answered ${response.status} instead of ${what}`);
    }
    try {
      return await response.json();
    } catch (cause) {
      throw new OutboundFetchError('bad_response', `${url} did not answer with JSON (${what})`, { cause });
    }
  }

  #timeoutMessage(url: string): string {
    return `${url} did not answer within ${this.#fetch.limits.timeoutSeconds} seconds`;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What jose's local key set accepts: `{ keys: [ {...}, ... ] }` (RFC 7517 §5). */
function isJwkSet(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.keys) && value.keys.every(isObject);
}

/** Puts `key` last (most recently used) and drops the least recently used beyond `max`. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): V {
  map.delete(key);
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= max) break;
    map.delete(oldest);
  }
  return value;
}
