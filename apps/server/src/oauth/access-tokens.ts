import { randomUUID } from 'node:crypto';
import { type Actor, MASTER_REALM, MAX_ACCESS_TOKEN_TTL } from '@realmkit/contract';
import { decodeJwt, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type { Application } from '../applications/application.entity.ts';
import type { Clock } from '../clock/clock.ts';
import { isUuid } from '../db/ids.ts';
import type { HotPathCache } from '../hot-path/hot-path.service.ts';
import { invalidToken, type PresentedToken, type Principal } from '../http/bearer-auth.ts';
import type { SigningKeyService } from '../keys/signing-key.service.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import type { ActiveUser, UserService } from '../users/user.service.ts';
import { refusalMessage, shown as refusedValue } from './access-token-refusals.ts';
import type { DpopProofs, DpopRealm } from './dpop-proofs.ts';
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
  /** The DPoP key the token is bound to (RFC 9449 §6.1: `cnf.jkt`), when the request carried a proof. */
  dpopJkt?: string | undefined;
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

/** The thumbprint of the DPoP key a token is bound to, if it is bound. */
export function boundKeyOf(claims: Pick<AccessTokenClaims, 'cnf'>): string | undefined {
  // Signed by this server, so shaped as issued; still read as what it is, a claim.
  const jkt: unknown = claims.cnf?.jkt;
  return typeof jkt === 'string' ? jkt : undefined;
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
  /** What a DPoP proof is checked against on every use: the realm's demands, the token's key. */
  realm: DpopRealm;
  jkt: string | undefined;
  /**
   * Epoch ms: the end of the cache interval. Shorter than the clock tolerance, so a token is never
   * taken for longer past its `exp` than a fresh verification would take it.
   */
  until: number;
  /** The hot-path cache's generation when verified: a write on this instance forgets the token. */
  generation: number;
}

/** The audience a token must carry (RFC 8707 indicator), and what it is, for refusals. */
export interface Audience {
  url: string;
  /** For a person: "the Management API of realm acme". */
  name: string;
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
  readonly #dpop: DpopProofs;

  constructor(
    keys: SigningKeyService,
    cache: HotPathCache,
    issuers: Issuers,
    clock: Clock,
    lookups: {
      store: Pick<TokenStoreService, 'isAccessTokenRevoked'>;
      users: Pick<UserService, 'findActive'>;
      dpop: DpopProofs;
    },
  ) {
    this.#keys = keys;
    this.#cache = cache;
    this.#issuers = issuers;
    this.#clock = clock;
    this.#store = lookups.store;
    this.#users = lookups.users;
    this.#dpop = lookups.dpop;
  }

  /** DPoP proofs, checked at the token endpoint and at every resource. */
  get dpop(): DpopProofs {
    return this.#dpop;
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
        ...(request.dpopJkt ? { cnf: { jkt: request.dpopJkt } } : {}),
      },
      request.ttlSeconds,
    );
  }

  /**
   * Verifies a token presented to the Management API: signature by a published key of the
   * issuing realm, algorithm pinned to those keys', `typ`, issuer, audience (the realm's
   * Management API), expiry, not-before and issue time, and an application that still exists; and
   * for a DPoP-bound token, a proof of its key for this request (RFC 9449 §7), on every use.
   * Throws a 401 `invalid_token` (or a DPoP refusal) otherwise.
   */
  async verifyManagementToken(presented: PresentedToken): Promise<Principal> {
    const { token } = presented;
    const now = this.#clock();
    let verified = this.#verified.get(token);
    if (!verified || verified.generation !== this.#cache.generation || now >= verified.until) {
      const generation = this.#cache.generation;
      const freshUntil = this.#cache.freshUntil();
      verified = { ...(await this.#verifyManagementToken(token)), until: freshUntil, generation };
      if (this.#verified.size >= MAX_VERIFIED_TOKENS) this.#verified.clear();
      this.#verified.set(token, verified);
    }
    await this.#dpop.checkBinding(verified.realm, verified.jkt, presented);
    return verified.principal;
  }

  async #verifyManagementToken(token: string): Promise<Pick<VerifiedToken, 'principal' | 'realm' | 'jkt'>> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw invalidToken('The access token is malformed');
    }
    if (typeof issuer !== 'string') throw invalidToken('The access token has no "iss" claim');
    const realmName = this.#issuers.realmNameOf(issuer);
    const realm = realmName ? await this.#cache.realm(realmName) : null;
    if (!realm) {
      // The issuer picks the realm whose keys check the token: one this server does not have.
      const issuers = this.#issuers.issuerOf('{realm}');
      throw invalidToken(
        realmName
          ? `This token was issued by realm ${realmName}, which does not exist`
          : `This token was issued by ${refusedValue(issuer)}, not by this server (${issuers})`,
      );
    }
    try {
      const { claims, subject } = await this.verifyWithSubject(realm, token, {
        url: this.#issuers.managementAudienceOf(realm.name),
        name: `the Management API of realm ${realm.name}`,
      });
      const principal: Principal = {
        realmId: realm.id,
        realmName: realm.name,
        isMaster: realm.name === MASTER_REALM,
        clientId: claims.client_id,
        userId: subject.kind === 'user' ? subject.user.id : null,
        scopes: new Set(claims.scope.split(' ').filter(Boolean)),
      };
      return { principal, realm, jkt: boundKeyOf(claims) };
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
  async verify(realm: { id: string; name: string }, token: string, audience?: Audience): Promise<AccessTokenClaims> {
    return (await this.verifyWithSubject(realm, token, audience)).claims;
  }

  /**
   * {@link verify}, answering also who the token acts for, as the check of that subject read it:
   * userinfo needs the user's claims, not a second read.
   */
  async verifyWithSubject(
    realm: { id: string; name: string },
    token: string,
    audience?: Audience,
  ): Promise<{ claims: AccessTokenClaims; subject: TokenSubject }> {
    const { keySet, algorithms } = await this.#keys.verificationKeys(realm.id);
    const issuer = this.#issuers.issuerOf(realm.name);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        algorithms,
        issuer,
        ...(audience === undefined ? {} : { audience: audience.url }),
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(this.#clock()),
        // No token lives longer than this; setting it also refuses an `iat` in the future.
        maxTokenAge: MAX_ACCESS_TOKEN_TTL,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) {
        const expected = { realm: realm.name, issuer, audience, algorithms, type: ACCESS_TOKEN_TYPE };
        throw new InvalidAccessToken(refusalMessage(error, token, expected));
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
