import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  DPOP_JTI_MAX_LENGTH,
  DPOP_PROOF_IAT_WINDOW_SECONDS,
  DPOP_PROOF_MAX_LENGTH,
  DPOP_PROOF_TYPE,
  DPOP_RSA_MODULUS_BITS,
  DPOP_SIGNING_ALGORITHMS,
} from '@realmkit/contract';
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { Clock } from '../clock/clock.ts';

/** Why a proof is refused: RFC 9449 §7.1's two proof errors. */
export type DpopErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce';

/**
 * A DPoP proof refused, with the nonce to send back in `DPoP-Nonce` when there is one. The token
 * endpoint answers it as an RFC 6749 error (400), a protected resource as a 401 challenge.
 */
export class DpopError extends Error {
  override name = 'DpopError';
  readonly code: DpopErrorCode;
  readonly nonce: string | undefined;

  constructor(code: DpopErrorCode, message: string, nonce?: string) {
    super(message);
    this.code = code;
    this.nonce = nonce;
  }
}

/** Seconds a nonce step lasts; a nonce is accepted in its step and the two after (2 to 3 minutes). */
const NONCE_STEP_SECONDS = 60;
const NONCE_STEPS_ACCEPTED = 3;

/**
 * Server nonces (RFC 9449 §8, §9) that need no storage: the HMAC of the current minute under a key
 * every instance derives from the secret key, so any instance accepts another's nonce.
 */
export class DpopNonces {
  readonly #key: Buffer;
  readonly #clock: Clock;
  #cached: { step: number; nonce: string } | undefined;

  constructor(key: Buffer, clock: Clock) {
    this.#key = key;
    this.#clock = clock;
  }

  /** The nonce to hand out now. */
  current(): string {
    const step = this.#step();
    if (this.#cached?.step !== step) this.#cached = { step, nonce: this.#nonceOf(step) };
    return this.#cached.nonce;
  }

  /** Whether `nonce` was handed out by this server in the last few minutes. */
  accepts(nonce: string): boolean {
    const given = Buffer.from(nonce);
    const now = this.#step();
    let valid = false;
    for (let step = now - NONCE_STEPS_ACCEPTED + 1; step <= now; step++) {
      const expected = Buffer.from(step === now ? this.current() : this.#nonceOf(step));
      // Every candidate compared, in constant time for its length.
      if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
    }
    return valid;
  }

  #step(): number {
    return Math.floor(this.#clock() / 1000 / NONCE_STEP_SECONDS);
  }

  #nonceOf(step: number): string {
    return createHmac('sha256', this.#key).update(`dpop-nonce:${step}`).digest('base64url');
  }
}

/**
 * Records a proof's `jti` for a key until `expiresAt`; `false` when it is recorded already (a
 * replay). Shared by every instance (the database), atomic.
 */
export type DpopReplayCheck = (jkt: string, jti: string, expiresAt: Date) => Promise<boolean>;

/** The request a proof must be for (RFC 9449 §4.3 steps 8-9, 12). */
export interface DpopTarget {
  /** The HTTP method. */
  method: string;
  /** The request's public URL, without query and fragment. */
  url: string;
  /** The access token sent with the proof, at a protected resource (§7: `ath`). */
  accessToken?: string | undefined;
  /** Whether the proof must carry a server nonce (the realm's or the client's setting). */
  requireNonce: boolean;
}

/** A verified proof: the RFC 7638 thumbprint of its key (what a token is bound to, `cnf.jkt`). */
export interface DpopProof {
  jkt: string;
}

/**
 * The SHA-256 of an access token, base64url: a proof's `ath` (RFC 9449 §4.2).
 *
 * @example
 * accessTokenHash('eyJhbGciOi...'); // 'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo'
 */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

function invalid(message: string): DpopError {
  return new DpopError('invalid_dpop_proof', message);
}

/** The URL a proof's `htu` names, compared without query and fragment (RFC 9449 §4.3 step 9). */
function normalizedUrl(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  url.search = '';
  url.hash = '';
  return url.href;
}

/** Bits of a base64url RSA modulus. */
function modulusBits(n: unknown): number {
  return typeof n === 'string' ? Buffer.from(n, 'base64url').length * 8 : 0;
}

/**
 * Checks DPoP proofs (RFC 9449 §4.3) for the token endpoint and the resources Realmkit serves. One
 * instance per server: its nonces and its replay store are shared by every realm, each proof's
 * `jti` recorded per key.
 *
 * @example
 * const proof = await dpop.verify(req.get('dpop'), { method: 'POST', url: tokenUrl, requireNonce: false }, replay);
 * // proof.jkt: the thumbprint the new token's cnf names
 */
export class DpopVerifier {
  readonly #nonces: DpopNonces;
  readonly #clock: Clock;

  constructor(nonces: DpopNonces, clock: Clock) {
    this.#nonces = nonces;
    this.#clock = clock;
  }

  /** The nonce to send in `DPoP-Nonce` now. */
  nonce(): string {
    return this.#nonces.current();
  }

  /**
   * The proof in `header` (the `DPoP` request header), verified for `target`; a {@link DpopError}
   * saying what is wrong otherwise. `undefined` header: no proof was sent (the caller decides
   * whether one was needed).
   */
  async verify(header: string | undefined, target: DpopTarget, firstUse: DpopReplayCheck): Promise<DpopProof> {
    // §4.3 step 1: one header, one JWT. Node joins repeated headers with ", ", which no JWT holds.
    if (!header || header.includes(',')) throw invalid('Send exactly one DPoP header holding one proof');
    if (header.length > DPOP_PROOF_MAX_LENGTH) {
      throw invalid(`The DPoP proof is longer than ${DPOP_PROOF_MAX_LENGTH} characters`);
    }
    let jwk: unknown;
    try {
      jwk = decodeProtectedHeader(header).jwk;
    } catch {
      throw invalid('The DPoP proof is not a JWT');
    }
    // No input sets the cost of a check: an RSA key's size is bounded before any signature is checked.
    if (typeof jwk === 'object' && jwk !== null && (jwk as { kty?: unknown }).kty === 'RSA') {
      const bits = modulusBits((jwk as { n?: unknown }).n);
      if (bits < DPOP_RSA_MODULUS_BITS.min || bits > DPOP_RSA_MODULUS_BITS.max) {
        throw invalid(`An RSA DPoP key must have ${DPOP_RSA_MODULUS_BITS.min} to ${DPOP_RSA_MODULUS_BITS.max} bits`);
      }
    }
    let payload: JWTPayload;
    let publicJwk: Record<string, unknown>;
    try {
      // §4.3 steps 4-7: typ, an asymmetric alg of ours, a public `jwk` in the header, its signature.
      const verified = await jwtVerify(header, EmbeddedJWK, {
        typ: DPOP_PROOF_TYPE,
        algorithms: [...DPOP_SIGNING_ALGORITHMS],
      });
      payload = verified.payload;
      publicJwk = verified.protectedHeader.jwk as Record<string, unknown>;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw invalid(`The DPoP proof is invalid (${error.code})`);
      throw error;
    }
    const { jti, htm, htu, iat, ath, nonce } = payload as Record<string, unknown>;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > DPOP_JTI_MAX_LENGTH) {
      throw invalid(`The DPoP proof needs a jti of 1 to ${DPOP_JTI_MAX_LENGTH} characters`);
    }
    if (htm !== target.method) throw invalid(`The DPoP proof is for ${String(htm)}, not ${target.method} (htm)`);
    if (typeof htu !== 'string' || normalizedUrl(htu) !== normalizedUrl(target.url)) {
      throw invalid(`The DPoP proof is for another URL than ${target.url} (htu)`);
    }
    if (target.accessToken !== undefined && ath !== accessTokenHash(target.accessToken)) {
      throw invalid('The DPoP proof is for another access token (ath)');
    }
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('The DPoP proof needs a numeric iat');
    const now = this.#clock();
    if (nonce !== undefined) {
      // §8.2: an unknown or stale nonce is answered with a fresh one.
      if (typeof nonce !== 'string' || !this.#nonces.accepts(nonce)) {
        throw new DpopError('use_dpop_nonce', 'The DPoP nonce is not valid any more: use the new one', this.nonce());
      }
    } else {
      if (target.requireNonce) {
        throw new DpopError('use_dpop_nonce', 'The DPoP proof must carry the server nonce (DPoP-Nonce)', this.nonce());
      }
      // §11.1: without a nonce, a proof's freshness is its iat.
      if (Math.abs(now / 1000 - iat) > DPOP_PROOF_IAT_WINDOW_SECONDS) {
        throw invalid(`The DPoP proof's iat is more than ${DPOP_PROOF_IAT_WINDOW_SECONDS} seconds from now`);
      }
    }
    const jkt = await calculateJwkThumbprint(publicJwk, 'sha256');
    // §11.1: a jti is refused while a proof bearing it could still be accepted (its iat window, or its nonce's life).
    const rememberUntil = new Date(now + 2 * DPOP_PROOF_IAT_WINDOW_SECONDS * 1000);
    if (!(await firstUse(jkt, jti, rememberUntil))) throw invalid('This DPoP proof was used already (jti)');
    return { jkt };
  }
}
