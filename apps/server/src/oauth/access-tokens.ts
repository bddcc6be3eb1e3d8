import { randomUUID } from 'node:crypto';
import { type Actor, MASTER_REALM, MAX_ACCESS_TOKEN_TTL } from '@realmkit/contract';
import { decodeJwt, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type { Application } from '../applications/application.entity.ts';
import type { Clock } from '../clock/clock.ts';
import { isUuid } from '../db/ids.ts';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import { invalidToken, type Principal } from '../http/bearer-auth.ts';
import type { SigningKeyService } from '../keys/signing-key.service.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import type { ActiveUser, UserService } from '../users/user.service.ts';
import type { TokenStoreService } from './token-store.service.ts';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
/**
 * Leeway for clocks that disagree a little between Realmkit instances and resource servers. Longer
 * than the hot-path cache interval, which bounds how long a verified token is remembered.
 */
export const CLOCK_TOLERANCE_S = 5;

/**
 * Claims an access token may carry besides RFC 9068's: `act` (RFC 8693 §4.1) on an exchanged
 * token, `may_act` (§4.4) and `cnf` (RFC 7800 §3.1, a DPoP key's thumbprint) on tokens that ask for
 * them. Realmkit issues `may_act` nowhere yet; it honours it in a subject token it signed.
 */
export interface ExtraClaims {
  act?: Actor;
  may_act?: { sub: string; iss?: string };
  cnf?: { jkt: string };
}

export interface IssueRequest {
  realm: { id: string; name: string };
  clientId: string;
  /**
   * Who the token acts for (RFC 9068 §2.2 `sub`): a user's id, or the client_id of another
   * application (a token exchange's subject); the client itself when absent (client_credentials).
   */
  subject?: string;
  /** Its `jti`; a fresh random one when absent. */
  jti?: string;
  audience: string;
  scopes: readonly string[];
  ttlSeconds: number;
  /** Its `iat` in seconds since the epoch, when the caller bounded `ttlSeconds` by a time of its own; else now. */
  issuedAt?: number;
  claims?: ExtraClaims;
}

/** The claims of an access token that verified, as Realmkit issues them (RFC 9068). */
export interface AccessTokenClaims extends JWTPayload, ExtraClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope: string;
}

/**
 * Who a verified token acts for: a user (a sign-in, or a token exchanged from one), or an
 * application: its client (client_credentials, `sub` = `client_id`), or another application whose
 * token was exchanged (`sub` its client_id, `act` naming the exchanging client).
 */
export type TokenSubject = { kind: 'user'; user: ActiveUser } | { kind: 'application'; application: Application };

/** Bounds memory when many distinct tokens are presented between two writes. */
const MAX_VERIFIED_TOKENS = 10_000;

interface VerifiedToken {
  principal: Principal;
  /**
   * Epoch ms: the end of the cache interval. Shorter than the clock tolerance, so a token is never
   * taken for longer past its `exp` than a fresh verification would take it.
   */
  until: number;
  /** The hot-path cache's generation when verified: a write on this instance forgets the token. */
  generation: number;
}

/** Why a token is refused; the Management API says it in its 401, introspection never does. */
export class InvalidAccessToken extends Error {
  override name = 'InvalidAccessToken';
}

/** RFC 9068 JWT access tokens: signed with the realm's active key, verified against its JWKS. */
export class AccessTokenService {
  readonly #keys: SigningKeyService;
  /** Realms by name and applications by client id, read through the hot-path cache. */
  readonly #cache: HotPathCache;
  readonly #issuers: Issuers;
  readonly #clock: Clock;
  /**
   * Management API tokens already verified, by their exact text. A client sends one token for
   * its whole life: verifying its signature again on every call was a fifth of a GET's main-thread
   * time (docs/performance.md). An entry lasts as long as the hot-path values it was checked
   * against (the application still exists): forgotten at this instance's next write, and within
   * the cache interval (HOT_PATH_CACHE_TTL_MS) anyway, so another instance's delete takes effect as fast as on the
   * token endpoint. Refusals are not kept: made-up tokens cannot fill it.
   */
  readonly #verified = new Map<string, VerifiedToken>();

  readonly #store: Pick<TokenStoreService, 'isAccessTokenRevoked'>;
  readonly #users: Pick<UserService, 'findActive'>;

  constructor(
    keys: SigningKeyService,
    cache: HotPathCache,
    issuers: Issuers,
    clock: Clock,
    lookups: { store: Pick<TokenStoreService, 'isAccessTokenRevoked'>; users: Pick<UserService, 'findActive'> },
  ) {
    this.#keys = keys;
    this.#cache = cache;
    this.#issuers = issuers;
    this.#clock = clock;
    this.#store = lookups.store;
    this.#users = lookups.users;
  }

  async issue(request: IssueRequest): Promise<string> {
    const now = request.issuedAt ?? Math.floor(this.#clock() / 1000);
    return this.#keys.sign(
      request.realm.id,
      ACCESS_TOKEN_TYPE,
      {
        // Extra claims first: they never replace a registered claim below.
        ...request.claims,
        iss: this.#issuers.issuerOf(request.realm.name),
        sub: request.subject ?? request.clientId,
        aud: request.audience,
        iat: now,
        exp: now + request.ttlSeconds,
        jti: request.jti ?? randomUUID(),
        client_id: request.clientId,
        scope: request.scopes.join(' '),
      },
      request.ttlSeconds,
    );
  }

  /**
   * Verifies a token presented to the Management API: signature by a published key of the
   * issuing realm, algorithm pinned to those keys', `typ`, issuer, audience (the realm's
   * Management API), expiry, not-before and issue time, and an application that still exists.
   * Throws a 401 `invalid_token` otherwise.
   */
  async verifyManagementToken(token: string): Promise<Principal> {
    const now = this.#clock();
    const known = this.#verified.get(token);
    if (known && known.generation === this.#cache.generation && now < known.until) return known.principal;
    const generation = this.#cache.generation;
    const freshUntil = this.#cache.freshUntil();
    const principal = await this.#verifyManagementToken(token);
    if (this.#verified.size >= MAX_VERIFIED_TOKENS) this.#verified.clear();
    this.#verified.set(token, { principal, until: freshUntil, generation });
    return principal;
  }

  async #verifyManagementToken(token: string): Promise<Principal> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw invalidToken('The access token is malformed');
    }
    const realmName = typeof issuer === 'string' ? this.#issuers.realmNameOf(issuer) : undefined;
    const realm = realmName ? await this.#cache.realm(realmName) : null;
    if (!realm) throw invalidToken('The access token was not issued by this server');
    try {
      const { claims, subject } = await this.verifyWithSubject(
        realm,
        token,
        this.#issuers.managementAudienceOf(realm.name),
      );
      return {
        realmId: realm.id,
        realmName: realm.name,
        isMaster: realm.name === MASTER_REALM,
        clientId: claims.client_id,
        userId: subject.kind === 'user' ? subject.user.id : null,
        scopes: new Set(claims.scope.split(' ').filter(Boolean)),
      };
    } catch (error) {
      if (error instanceof InvalidAccessToken) throw invalidToken(error.message);
      throw error;
    }
  }

  /**
   * The claims of a token issued by `realm` (for `audience` when given), or an
   * {@link InvalidAccessToken} saying why not. A token of an application that no longer exists is
   * refused even before it expires: deleting an application is how an operator stops it. So is a
   * revoked token (RFC 7009), and a user's token once the user is suspended or deleted.
   */
  async verify(realm: { id: string; name: string }, token: string, audience?: string): Promise<AccessTokenClaims> {
    return (await this.verifyWithSubject(realm, token, audience)).claims;
  }

  /**
   * {@link verify}, answering also who the token acts for, as the check of that subject read it:
   * userinfo needs the user's claims, not a second read.
   */
  async verifyWithSubject(
    realm: { id: string; name: string },
    token: string,
    audience?: string,
  ): Promise<{ claims: AccessTokenClaims; subject: TokenSubject }> {
    const { keySet, algorithms } = await this.#keys.verificationKeys(realm.id);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        algorithms,
        issuer: this.#issuers.issuerOf(realm.name),
        ...(audience === undefined ? {} : { audience }),
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(this.#clock()),
        // No token lives longer than this; setting it also refuses an `iat` in the future.
        maxTokenAge: MAX_ACCESS_TOKEN_TTL,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new InvalidAccessToken('The access token has expired');
      if (error instanceof joseErrors.JOSEError) {
        throw new InvalidAccessToken(`The access token is invalid (${error.code})`);
      }
      throw error;
    }
    const claims = payload as AccessTokenClaims;
    if (typeof claims.client_id !== 'string' || typeof claims.aud !== 'string') {
      throw new InvalidAccessToken('The access token is invalid (claims)');
    }
    if (typeof claims.scope !== 'string') claims.scope = '';
    const client = await this.#cache.application(realm.id, claims.client_id);
    if (!client) throw new InvalidAccessToken('The application of this access token no longer exists');
    if (await this.#store.isAccessTokenRevoked(claims.jti)) throw new InvalidAccessToken('The access token is revoked');
    return { claims, subject: await this.#subjectOf(realm, claims, client) };
  }

  async #subjectOf(
    realm: { id: string; name: string },
    claims: AccessTokenClaims,
    client: Application,
  ): Promise<TokenSubject> {
    if (claims.sub === claims.client_id) return { kind: 'application', application: client };
    // An application's token exchanged by another (RFC 8693 §4.1): `sub` is its client_id, and it
    // must still exist, as the client must.
    if (claims.act !== undefined) {
      const application = await this.#cache.application(realm.id, claims.sub);
      if (application) return { kind: 'application', application };
    }
    // Users' ids are UUIDs; anything else is an application deleted since (the database would refuse it).
    const user = isUuid(claims.sub) ? await this.#users.findActive(realm.id, claims.sub) : null;
    if (!user) {
      throw new InvalidAccessToken(
        claims.act === undefined
          ? 'The user of this access token is suspended or no longer exists'
          : 'The user or application this access token acts for is suspended or no longer exists',
      );
    }
    return { kind: 'user', user };
  }
}
