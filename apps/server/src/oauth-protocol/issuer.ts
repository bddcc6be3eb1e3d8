/** URLs of a realm's authorization server, all derived from the public base URL. */
export class Issuers {
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }

  issuerOf(realmName: string): string {
    return `${this.#baseUrl}/oauth2/${realmName}`;
  }

  /** The realm name in an issuer this server minted, or `undefined`. */
  realmNameOf(issuer: string): string | undefined {
    const prefix = `${this.#baseUrl}/oauth2/`;
    if (!issuer.startsWith(prefix)) return undefined;
    const name = issuer.slice(prefix.length);
    return /^[a-z][a-z0-9-]*$/.test(name) ? name : undefined;
  }

  /** The audience (RFC 8707 indicator) of a realm's Management API: its base URL. */
  managementAudienceOf(realmName: string): string {
    return `${this.#baseUrl}/api/v1/${realmName}`;
  }
}
