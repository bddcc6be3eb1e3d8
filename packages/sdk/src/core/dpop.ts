import {
  DPOP_NONCE_HEADER,
  DPOP_PROOF_TYPE,
  DPOP_SIGNING_ALGORITHMS,
  type DpopSigningAlgorithm,
  type OAuthErrorCode,
} from '@realmkit/contract';
import {
  algorithmOfSigningKey,
  base64url,
  type CryptoKeyLike,
  encodeJson,
  encoder,
  type Jwk,
  type SigningKey,
  signJws,
  WEB_CRYPTO,
} from './jws.ts';

/** A WebCrypto `CryptoKeyPair`, by the members the SDK reads. */
export interface DpopKeyPair {
  /** Signs the proofs (usage `sign`); need not be extractable. */
  readonly privateKey: CryptoKeyLike;
  /** Goes in every proof's header: exportable, as WebCrypto makes every public key. */
  readonly publicKey: CryptoKeyLike;
}

/**
 * DPoP (RFC 9449): `true` makes a new ES256 key pair whose private key cannot be exported; or
 * `{ keyPair }`, a pair you keep (in IndexedDB, say): ES256, EdDSA, PS256 or RS256.
 */
export type DpopOption = boolean | { keyPair: DpopKeyPair };

const USE_DPOP_NONCE = 'use_dpop_nonce' satisfies OAuthErrorCode;

/**
 * The key a client's tokens are bound to (RFC 9449), which signs a proof for every request, and
 * the last nonce each server gave (§8, §9).
 *
 * @example
 * // Your own API, with a token of `new ClientCredentials({ ..., dpop: true })`:
 * const { accessToken, tokenType } = await credentials.getAccessToken();
 * await fetch(url, {
 *   headers: { authorization: `${tokenType} ${accessToken}`, dpop: await credentials.dpop!.proof('GET', url, accessToken) },
 * });
 */
export class DpopKey {
  readonly #given: DpopKeyPair | undefined;
  readonly #alg: keyof typeof WEB_CRYPTO;
  #key: Promise<{ pair: DpopKeyPair; header: string }> | undefined;
  /** The last `DPoP-Nonce` of each server, by origin. */
  readonly #nonces = new Map<string, string>();

  constructor(option: true | { keyPair: DpopKeyPair }) {
    if (option === true) {
      this.#alg = 'ES256';
    } else {
      // Checked here, so that a wrong key is a TypeError where the client is made.
      const alg = algorithmOfSigningKey(option.keyPair.privateKey, 'dpop.keyPair.privateKey');
      if (!DPOP_SIGNING_ALGORITHMS.includes(alg as DpopSigningAlgorithm)) {
        throw new TypeError(`dpop.keyPair: not a key of ${DPOP_SIGNING_ALGORITHMS.join(', ')}`);
      }
      this.#given = option.keyPair;
      this.#alg = alg as keyof typeof WEB_CRYPTO;
    }
  }

  /** The key pair: made on first use when none was given, its private key not extractable. */
  getKeyPair(): Promise<DpopKeyPair> {
    return this.#load().then(({ pair }) => pair);
  }

  /**
   * A new proof (RFC 9449 §4.2) for a request: `htm` `method`, `htu` `url` without its query, a new
   * `jti`, `ath` of the `accessToken` it goes with (at a resource, §7.1), and the nonce `url`'s
   * server gave last. A server accepts a proof once: make one per request, retries included.
   */
  async proof(method: string, url: string, accessToken?: string): Promise<string> {
    const { pair, header } = await this.#load();
    const htu = new URL(url);
    const nonce = this.#nonces.get(htu.origin);
    htu.search = htu.hash = '';
    const ath = accessToken && base64url(await crypto.subtle.digest('SHA-256', encoder.encode(accessToken)));
    return signJws(WEB_CRYPTO[this.#alg].sign, pair.privateKey as SigningKey, header, {
      jti: crypto.randomUUID(),
      htm: method,
      htu: htu.href,
      iat: Math.floor(Date.now() / 1000),
      ath,
      nonce,
    });
  }

  /** Keeps the nonce a response from `url`'s server carries: any response may give a new one (§8.2). */
  remember(url: string, headers: Headers): void {
    const nonce = headers.get(DPOP_NONCE_HEADER);
    if (nonce) this.#nonces.set(new URL(url).origin, nonce);
  }

  #load(): Promise<{ pair: DpopKeyPair; header: string }> {
    this.#key ??= (async () => {
      const pair =
        this.#given ?? (await crypto.subtle.generateKey(WEB_CRYPTO.ES256.key as never, false, ['sign', 'verify']));
      // §4.2: the public key only, by its required members (RFC 7638 §3.2).
      const { kty, crv, x, y, n, e } = (await crypto.subtle.exportKey('jwk', pair.publicKey as SigningKey)) as Jwk;
      return { pair, header: encodeJson({ typ: DPOP_PROOF_TYPE, alg: this.#alg, jwk: { kty, crv, x, y, n, e } }) };
    })();
    return this.#key;
  }
}

/**
 * A refusal that asks for the server's nonce and gives it: a token endpoint's 400 `use_dpop_nonce`
 * (RFC 9449 §8), or a resource's 401 challenge with `error="use_dpop_nonce"` (§9).
 */
export function asksForNonce(status: number, headers: Headers, body: unknown): boolean {
  if (!headers.has(DPOP_NONCE_HEADER)) return false;
  if (status === 400) return (body as { error?: unknown } | null)?.error === USE_DPOP_NONCE;
  return status === 401 && (headers.get('www-authenticate') ?? '').includes(`error="${USE_DPOP_NONCE}"`);
}
