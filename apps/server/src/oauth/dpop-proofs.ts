import { DPOP_SCHEME } from '@realmkit/contract';
import type { Clock } from '../clock/clock.ts';
import { dpopRefusal, type PresentedToken } from '../http/bearer-auth.ts';
import { DpopError, type DpopProof, type DpopTarget, type DpopVerifier } from '../oauth-protocol/dpop.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import type { AssertionReplayStore } from './assertion-replay.ts';

/** What a realm asks of the proofs sent to it. */
export interface DpopRealm {
  id: string;
  requireDpopNonce: boolean;
}

/**
 * DPoP (RFC 9449) for a realm: proofs checked once each (their `jti`s kept per realm, per key), at
 * the token endpoint (§5) and at every resource Realmkit serves (§7).
 */
export class DpopProofs {
  readonly #verifier: DpopVerifier;
  readonly #replay: AssertionReplayStore;
  readonly #issuers: Issuers;
  readonly #clock: Clock;

  constructor(verifier: DpopVerifier, replay: AssertionReplayStore, issuers: Issuers, clock: Clock) {
    this.#verifier = verifier;
    this.#replay = replay;
    this.#issuers = issuers;
    this.#clock = clock;
  }

  /** The nonce to send in `DPoP-Nonce` now. */
  nonce(): string {
    return this.#verifier.nonce();
  }

  /** The proof `header` verified for `target` in `realm`; a {@link DpopError} otherwise. */
  verify(realm: { id: string }, header: string | undefined, target: DpopTarget): Promise<DpopProof> {
    return this.#verifier.verify(header, target, (jkt, jti, expiresAt) =>
      this.#replay.firstUse(realm.id, jkt, jti, expiresAt, new Date(this.#clock())),
    );
  }

  /**
   * At a protected resource (RFC 9449 §7): a token bound to key `jkt` must come as
   * `Authorization: DPoP` with a proof of that key for this request and this token; a token bound
   * to none must come as `Bearer`. A 401 in the DPoP scheme otherwise.
   */
  async checkBinding(realm: DpopRealm, jkt: string | undefined, presented: PresentedToken): Promise<void> {
    if (jkt === undefined) {
      if (presented.scheme === DPOP_SCHEME) {
        throw dpopRefusal('invalid_token', 'This access token is not bound to a DPoP key: send it as Bearer');
      }
      return;
    }
    if (presented.scheme !== DPOP_SCHEME) {
      // §7.2: a bound token used as a bearer token is refused, whoever holds it.
      throw dpopRefusal('invalid_token', 'This access token is bound to a DPoP key: send it as DPoP, with a proof');
    }
    let proof: DpopProof;
    try {
      proof = await this.verify(realm, presented.proof, {
        method: presented.method,
        url: `${this.#issuers.baseUrl}${presented.path}`,
        accessToken: presented.token,
        requireNonce: realm.requireDpopNonce,
      });
    } catch (error) {
      if (error instanceof DpopError) throw dpopRefusal(error.code, error.message, error.nonce);
      throw error;
    }
    if (proof.jkt !== jkt) {
      throw dpopRefusal('invalid_token', 'The DPoP proof is signed by another key than this token is bound to');
    }
  }
}
