import type { TokenResponse } from '@realmkit/contract';
import { ApiClient, type TokenSource } from './core/api-client.ts';
import {
  type ClientCredential,
  ClientCredentials,
  type ClientCredentialsOptions,
  CREDENTIAL_OPTIONS,
  oneCredentialOf,
  type TokenExchangeRequest,
} from './core/client-credentials.ts';
import type { DpopOption } from './core/dpop.ts';
import type { RequestOptions } from './core/http.ts';
import { defaultHttpConfig } from './core/routes.ts';
import { Applications } from './resources/applications.ts';
import { AuditLogs } from './resources/audit-logs.ts';
import { Realms } from './resources/realms.ts';
import { Resources } from './resources/resources.ts';
import { Roles } from './resources/roles.ts';
import { Users } from './resources/users.ts';
import { UsersByRealmName } from './resources/users-by-realm-name.ts';

/**
 * A Realmkit client's options: its settings, and where its tokens come from: `clientId` with
 * exactly one credential (`clientSecret`, `privateKey` or `clientAssertion`) and `dpop` if wanted,
 * or a `tokenSource`.
 */
export type RealmkitOptions = RealmkitSettings &
  (
    | ({
        clientId: string;
        tokenSource?: never;
        /**
         * DPoP (RFC 9449): tokens bound to a key this client holds, sent with a new proof of it on
         * every request, so that a token that leaks is useless without the key. `true` makes an
         * ES256 key pair whose private key cannot be exported; or give your `{ keyPair }`. A proof
         * names the URL it is sent to: `baseUrl` must be the server's public URL.
         */
        dpop?: DpopOption;
      } & ClientCredential)
    | {
        /** Where tokens come from instead of a credential, e.g. a shared {@link ClientCredentials}. */
        tokenSource: TokenSource;
        /** The token source's own (`dpop` of a {@link ClientCredentials}). */
        dpop?: never;
        clientId?: string;
        clientSecret?: never;
        privateKey?: never;
        clientAssertion?: never;
      }
  );

/** What a {@link Realmkit} client takes besides its credential. */
export interface RealmkitSettings {
  /** Realmkit's base URL, e.g. `https://auth.example.com`. */
  baseUrl: string;
  /** The client's realm: where its tokens come from, and the realm the resources manage. */
  realm: string;
  /** Scopes to ask for; default: every scope the client's roles hold. */
  scopes?: readonly string[];
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** Milliseconds per attempt; default 60 000. */
  timeout?: number;
  /**
   * Retries of safe requests (every POST among them: each carries an `Idempotency-Key`) after
   * network errors, 408, 429 and 5xx; default 2. A 429 with `Retry-After` is waited out beyond
   * it, up to 60 s per call; 0 turns every retry off.
   */
  maxRetries?: number;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string>;
}

/** A client's tokens: the source its requests use, and token exchange (RFC 8693) with its credential. */
export interface Tokens extends TokenSource {
  /**
   * Exchanges a user's or another application's access token for a narrower one acting for it
   * (see {@link ClientCredentials.exchange}).
   */
  exchange(request: TokenExchangeRequest, options?: RequestOptions): Promise<TokenResponse>;
}

/**
 * `source` as {@link Tokens}: itself when it can exchange (a {@link ClientCredentials}); else a
 * wrapper whose `exchange` says what is missing, as only a credential can authenticate the exchange.
 */
function tokensOf(source: TokenSource): Tokens {
  if (typeof (source as Partial<Tokens>).exchange === 'function') return source as Tokens;
  const { getAccessToken } = source;
  return {
    getToken: (options) => source.getToken(options),
    invalidate: (token) => source.invalidate(token),
    // A source's DPoP key and typed tokens go through: its tokens may be bound (RFC 9449).
    ...(source.dpop ? { dpop: source.dpop } : {}),
    ...(getAccessToken ? { getAccessToken: (options) => getAccessToken.call(source, options) } : {}),
    exchange: () =>
      Promise.reject(
        new TypeError(
          "tokens.exchange needs the client's own credential: clientId with clientSecret, privateKey or " +
            'clientAssertion, or a ClientCredentials as tokenSource',
        ),
      ),
  };
}

/**
 * The Realmkit Management API client. It gets its own client_credentials token, refreshes it
 * before expiry and after a 401, and retries what is safe to retry. It proves itself with its
 * secret, its private key (`privateKey`), or its platform's token (`clientAssertion`); with
 * `dpop: true`, its tokens are bound to a key of its own (RFC 9449).
 *
 * @example
 * import { Realmkit } from '@realmkit/sdk';
 * const rk = new Realmkit({ baseUrl: 'http://localhost:8080', realm: 'acme', clientId, clientSecret });
 * const user = await rk.users.create({ email: 'jane@example.com', password: 'securePassword123' });
 * for await (const u of rk.users.list({ search: 'jane' })) console.log(u.email);
 */
export class Realmkit {
  readonly users: Users;
  readonly applications: Applications;
  readonly roles: Roles;
  readonly resources: Resources;
  /** The realms themselves (master-realm clients). */
  readonly realms: Realms;
  /** The older users API addressed by realm name (`/api/users`). */
  readonly usersByRealmName: UsersByRealmName;
  /** The realm's audit log of Management API writes. */
  readonly auditLogs: AuditLogs;
  /**
   * The token source every request of this client uses, and token exchange with its credential.
   *
   * @example
   * const narrower = await rk.tokens.exchange({ subjectToken, resource: 'https://orders.example.com' });
   */
  readonly tokens: Tokens;
  readonly #client: ApiClient;

  constructor(options: RealmkitOptions | { client: ApiClient; tokens: TokenSource }) {
    if ('client' in options) {
      this.#client = options.client;
      this.tokens = tokensOf(options.tokens);
    } else {
      const credential = oneCredentialOf('Realmkit', options, [...CREDENTIAL_OPTIONS, 'tokenSource']);
      if (options.tokenSource && options.dpop)
        throw new TypeError('Realmkit takes dpop with a credential, not a tokenSource');
      this.tokens = tokensOf(options.tokenSource ?? credentialsOf(options, credential));
      const http = defaultHttpConfig({ ...options, headers: options.defaultHeaders });
      this.#client = new ApiClient(options.baseUrl, options.realm, http, this.tokens);
    }
    this.users = new Users(this.#client);
    this.applications = new Applications(this.#client);
    this.roles = new Roles(this.#client);
    this.resources = new Resources(this.#client);
    this.realms = new Realms(this.#client);
    this.usersByRealmName = new UsersByRealmName(this.#client);
    this.auditLogs = new AuditLogs(this.#client);
  }

  /** The realm the resources manage. */
  get realm(): string {
    return this.#client.realm;
  }

  /**
   * The same client and token, managing another realm: a master-realm client manages every realm.
   *
   * @example
   * const admin = new Realmkit({ baseUrl, realm: 'master', clientId, clientSecret });
   * await admin.forRealm('acme').users.list();
   */
  forRealm(realm: string): Realmkit {
    return new Realmkit({ client: this.#client.withRealm(realm), tokens: this.tokens });
  }
}

function credentialsOf(options: RealmkitOptions, credential: string): ClientCredentials {
  if (!options.clientId) throw new TypeError(`Realmkit needs clientId with ${credential}`);
  const { baseUrl, realm, clientId, clientSecret, privateKey, clientAssertion } = options;
  const { scopes, fetch, timeout, maxRetries, dpop } = options;
  // The one credential given, the others undefined: as ClientCredentials checks it again.
  return new ClientCredentials({
    ...{ baseUrl, realm, clientId, scopes, fetch, timeout, maxRetries, dpop },
    ...{ clientSecret, privateKey, clientAssertion },
  } as ClientCredentialsOptions);
}
