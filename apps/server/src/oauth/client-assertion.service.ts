import {
  CLIENT_ASSERTION_ALGORITHMS,
  CLIENT_ASSERTION_MAX_LIFETIME_SECONDS,
  type ClientJwks,
  contract,
} from '@realmkit/contract';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { Application } from '../applications/application.entity.ts';
import type { Clock } from '../clock/clock.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import { OutboundFetchError } from '../outbound/outbound-fetch-error.ts';
import type { AssertionReplayStore } from './assertion-replay.ts';
import type { ClientAuthRealm } from './client-auth/index.ts';

/** Seconds of clock difference allowed between a client (or a workload's platform) and this server. */
const ASSERTION_CLOCK_TOLERANCE_S = 30;

const ALGORITHMS: string[] = [...CLIENT_ASSERTION_ALGORITHMS];

/** What the verifier fetches keys with: an application's `jwks_uri`, a federated issuer's keys. */
export interface RemoteKeySource {
  keySet(jwksUri: string): JWTVerifyGetKey;
  /** The issuer's keys, by its `jwksUri` or else its OpenID discovery document. */
  issuerKeySet(issuer: string, jwksUri?: string): Promise<JWTVerifyGetKey>;
}

/** A workload identity an application trusts (applications' federated credentials). */
export interface TrustedWorkload {
  issuer: string;
  subject: string;
  audiences: readonly string[];
  jwksUri: string | null;
}

export interface ClientAssertionDeps {
  issuers: Issuers;
  clock: Clock;
  replay: AssertionReplayStore;
  remoteKeys: RemoteKeySource;
  /** The federated credentials of an application with this issuer. */
  trustedWorkloads(realmId: string, applicationId: string, issuer: string): Promise<readonly TrustedWorkload[]>;
}

const refused = (description: string) => new OAuthError('invalid_client', description);

/** A JOSE failure as a description the client's developer can act on (never a key or a secret). */
function describe(error: unknown, what: string): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof joseErrors.JWTExpired) return refused(`The ${what} has expired`);
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return refused(
      `The ${what}'s ${error.claim} claim is not valid: ${error.reason === 'check_failed' ? 'unexpected value' : error.reason}`,
    );
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return refused(`The ${what} must be signed with ${CLIENT_ASSERTION_ALGORITHMS.join(', ')}`);
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return refused(`No key matches the ${what}'s kid`);
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return refused(`Several keys match the ${what}: give it a kid`);
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return refused(`The ${what}'s signature does not verify`);
  if (error instanceof joseErrors.JOSEError) return refused(`The ${what} is not a valid JWT`);
  if (error instanceof OutboundFetchError)
    return refused(`The keys for the ${what} could not be read: ${error.message}`);
  throw error;
}

/**
 * Checks client assertions (RFC 7523 §3, OIDC Core §9 `private_key_jwt`): an assertion whose `iss`
 * is the client's own id is signed by one of the client's keys; any other `iss` is a workload
 * platform, which must be one of the client's federated credentials. Both answer `invalid_client`
 * with what is wrong.
 */
export class ClientAssertionService {
  readonly #deps: ClientAssertionDeps;
  /** The key set of an inline `jwks`, per JWK Set object (a changed application is a new object). */
  readonly #localKeySets = new WeakMap<ClientJwks, JWTVerifyGetKey>();

  constructor(deps: ClientAssertionDeps) {
    this.#deps = deps;
  }

  async verify(client: Application, assertion: string, realm: ClientAuthRealm): Promise<boolean> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      throw refused('client_assertion is not a JWT');
    }
    // Checked before any key is looked at: `none` and HMAC never reach a verifier (RFC 8725 §3.1).
    if (typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg)) {
      throw refused(`client_assertion must be signed with ${CLIENT_ASSERTION_ALGORITHMS.join(', ')}`);
    }
    return claims.iss === client.clientId
      ? this.#verifyOwnKey(client, assertion, realm)
      : this.#verifyFederated(client, assertion, realm, claims.iss);
  }

  /** RFC 7523 §3 with OIDC Core §9: `iss` = `sub` = client_id, `aud` this server, `exp` soon, a fresh `jti`. */
  async #verifyOwnKey(client: Application, assertion: string, realm: ClientAuthRealm): Promise<boolean> {
    const keys = this.#keysOf(client);
    const now = new Date(this.#deps.clock());
    const { issuers } = this.#deps;
    const issuer = issuers.issuerOf(realm.name);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, keys, {
        algorithms: ALGORITHMS,
        issuer: client.clientId,
        subject: client.clientId,
        // The issuer; deployed clients send the token endpoint's URL too.
        audience: [issuer, issuers.urlOf(contract.oauth.token.path, realm.name)],
        requiredClaims: ['exp', 'jti'],
        clockTolerance: ASSERTION_CLOCK_TOLERANCE_S,
        currentDate: now,
      }));
    } catch (error) {
      const problem = describe(error, 'client assertion');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') {
        throw refused(`The client assertion's aud must be ${issuer}`);
      }
      throw problem;
    }
    const exp = (payload.exp ?? 0) * 1000;
    if (exp - now.getTime() > (CLIENT_ASSERTION_MAX_LIFETIME_SECONDS + ASSERTION_CLOCK_TOLERANCE_S) * 1000) {
      throw refused(`The client assertion's exp may be at most ${CLIENT_ASSERTION_MAX_LIFETIME_SECONDS} seconds ahead`);
    }
    const jti = String(payload.jti);
    if (!(await this.#deps.replay.firstUse(realm.id, client.clientId, jti, new Date(exp), now))) {
      throw refused('This client assertion was used already: send a new one (a new jti) with every request');
    }
    return true;
  }

  /**
   * Workload identity federation: a token the workload's platform issued, verified with the
   * platform's keys, whose `iss` and `sub` equal one of the client's federated credentials exactly
   * and whose `aud` holds one of that credential's audiences. The platform's token is reused until
   * it is refreshed, as every platform means it to be: its `jti` is not single-use here.
   */
  async #verifyFederated(
    client: Application,
    assertion: string,
    realm: ClientAuthRealm,
    issuer: unknown,
  ): Promise<boolean> {
    if (typeof issuer !== 'string' || issuer === '') throw refused('The client assertion has no iss');
    const trusted = await this.#deps.trustedWorkloads(realm.id, client.id, issuer);
    if (trusted.length === 0) {
      throw refused(
        'The client assertion is neither signed by the client (iss = client_id) nor issued by a federated ' +
          "credential's issuer",
      );
    }
    const now = new Date(this.#deps.clock());
    const verified = new Map<string | null, JWTPayload>();
    for (const workload of trusted) {
      let payload = verified.get(workload.jwksUri);
      if (!payload) {
        try {
          const keys = await this.#deps.remoteKeys.issuerKeySet(issuer, workload.jwksUri ?? undefined);
          ({ payload } = await jwtVerify(assertion, keys, {
            algorithms: ALGORITHMS,
            issuer,
            requiredClaims: ['exp', 'sub', 'aud'],
            clockTolerance: ASSERTION_CLOCK_TOLERANCE_S,
            currentDate: now,
          }));
        } catch (error) {
          throw describe(error, 'federated token');
        }
        if (
          typeof payload.iat === 'number' &&
          payload.iat * 1000 > now.getTime() + ASSERTION_CLOCK_TOLERANCE_S * 1000
        ) {
          throw refused('The federated token was issued in the future (iat)');
        }
        verified.set(workload.jwksUri, payload);
      }
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (
        payload.sub === workload.subject &&
        audiences.some((aud) => aud !== undefined && workload.audiences.includes(aud))
      ) {
        return true;
      }
    }
    throw refused("The federated token's sub and aud match none of the client's federated credentials for its issuer");
  }

  #keysOf(client: Application): JWTVerifyGetKey {
    if (client.jwks) {
      let keys = this.#localKeySets.get(client.jwks);
      if (!keys) {
        keys = createLocalJWKSet(client.jwks);
        this.#localKeySets.set(client.jwks, keys);
      }
      return keys;
    }
    if (client.jwksUri) return this.#deps.remoteKeys.keySet(client.jwksUri);
    throw refused('The client has no keys: register jwks or jwks_uri, or a federated credential');
  }
}
