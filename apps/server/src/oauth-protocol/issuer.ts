import { REALM_API_PATH, REALM_ISSUER_PATH, realmPath } from '@realmkit/contract';

/** URLs of a realm's authorization server, derived from the public base URL and the contract's paths. */
export class Issuers {
  readonly #baseUrl: string;
  /** What every issuer this server mints starts with: `${baseUrl}/oauth2/`. */
  readonly #issuerPrefix: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
    this.#issuerPrefix = `${baseUrl}${realmPath(REALM_ISSUER_PATH, '')}`;
  }

  /** The server's public URL (`REALMKIT_ISSUER_URL`). */
  get baseUrl(): string {
    return this.#baseUrl;
  }

  issuerOf(realmName: string): string {
    return this.urlOf(REALM_ISSUER_PATH, realmName);
  }

  /** The realm name in an issuer this server minted, or `undefined`. */
  realmNameOf(issuer: string): string | undefined {
    if (!issuer.startsWith(this.#issuerPrefix)) return undefined;
    const name = issuer.slice(this.#issuerPrefix.length);
    return /^[a-z][a-z0-9-]*$/.test(name) ? name : undefined;
  }

  /** The audience (RFC 8707 indicator) of a realm's Management API: its base URL. */
  managementAudienceOf(realmName: string): string {
    return this.urlOf(REALM_API_PATH, realmName);
  }

  /**
   * The public URL of one of the contract's paths, for the realm named `realmName`.
   *
   * @example
   * issuers.urlOf(contract.oauth.token.path, 'acme'); // 'https://auth.example.com/oauth2/acme/token'
   */
  urlOf(path: string, realmName: string): string {
    return `${this.#baseUrl}${realmPath(path, realmName)}`;
  }
}
