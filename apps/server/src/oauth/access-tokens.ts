import { randomUUID } from 'node:crypto';
import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { invalidToken, type Principal } from '../http/bearer-auth.ts';
import type { RealmService } from '../realms/realm.service.ts';
import type { Issuers } from './issuer.ts';
import type { SigningKeyService } from './signing-keys.ts';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** Leeway for clocks that disagree a little between Realmkit instances and resource servers. */
const CLOCK_TOLERANCE_S = 5;

export interface IssueRequest {
  realm: { id: string; name: string };
  clientId: string;
  audience: string;
  scopes: readonly string[];
  ttlSeconds: number;
}

/** RFC 9068 JWT access tokens: signed with the realm's active key, verified against its JWKS. */
export class AccessTokenService {
  readonly #keys: SigningKeyService;
  readonly #realms: RealmService;
  readonly #issuers: Issuers;

  constructor(keys: SigningKeyService, realms: RealmService, issuers: Issuers) {
    this.#keys = keys;
    this.#realms = realms;
    this.#issuers = issuers;
  }

  async issue(request: IssueRequest): Promise<string> {
    const key = await this.#keys.activeKey(request.realm.id);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ client_id: request.clientId, scope: request.scopes.join(' ') })
      .setProtectedHeader({ alg: key.algorithm, typ: ACCESS_TOKEN_TYPE, kid: key.kid })
      .setIssuer(this.#issuers.issuerOf(request.realm.name))
      .setSubject(request.clientId)
      .setAudience(request.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + request.ttlSeconds)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  /**
   * Verifies a token presented to the Management API: signature by a published key of the
   * issuing realm, algorithm pinned to that key's, `typ`, issuer, audience (the realm's
   * Management API) and expiry. Throws a 401 `invalid_token` otherwise.
   */
  async verifyManagementToken(token: string): Promise<Principal> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw invalidToken('The access token is malformed');
    }
    const realmName = typeof issuer === 'string' ? this.#issuers.realmNameOf(issuer) : undefined;
    const realm = realmName ? await this.#realms.findByName(realmName) : null;
    if (!realm) throw invalidToken('The access token was not issued by this server');

    const { keySet, algorithms } = await this.#keys.verificationKeys(realm.id);
    try {
      const { payload } = await jwtVerify(token, keySet, {
        algorithms,
        issuer: this.#issuers.issuerOf(realm.name),
        audience: this.#issuers.managementAudienceOf(realm.name),
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
      });
      const scope = typeof payload.scope === 'string' ? payload.scope : '';
      return {
        realmId: realm.id,
        realmName: realm.name,
        isMaster: realm.name === 'master',
        clientId: String(payload.client_id),
        scopes: new Set(scope.split(' ').filter(Boolean)),
      };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw invalidToken('The access token has expired');
      if (error instanceof joseErrors.JOSEError) throw invalidToken(`The access token is invalid (${error.code})`);
      throw error;
    }
  }
}
