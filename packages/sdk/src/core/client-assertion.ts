import {
  CLIENT_ASSERTION_ALGORITHMS,
  CLIENT_ASSERTION_MAX_LIFETIME_SECONDS,
  type ClientAssertionAlgorithm,
} from '@realmkit/contract';
import {
  algorithmOfSigningKey,
  type CryptoKeyLike,
  encodeJson,
  isCryptoKey,
  type Jwk,
  type SigningKey,
  signJws,
  WEB_CRYPTO,
} from './jws.ts';

/**
 * How long an assertion the SDK signs is valid, in seconds: it is sent at once, so a minute leaves
 * room for a slow network and a clock a little behind, well within the server's bound.
 */
export const CLIENT_ASSERTION_LIFETIME_SECONDS = Math.min(60, CLIENT_ASSERTION_MAX_LIFETIME_SECONDS);

/** A Node.js `KeyObject` (`crypto.createPrivateKey(pem)`), by the members the SDK uses. */
export interface KeyObjectLike {
  readonly type: string;
  export(options: { format: 'jwk' }): Jwk;
}

/**
 * The key a client signs its `private_key_jwt` assertions with (RFC 7523 §2.2, OIDC Core §9); the
 * application is registered with its public half (`jwks` or `jwks_uri`).
 */
export interface PrivateKey {
  /** A private JWK, a WebCrypto `CryptoKey` (usage `sign`), or a Node.js `KeyObject`. */
  key: Jwk | CryptoKeyLike | KeyObjectLike;
  /** The assertion header's `kid`; default: the JWK's `kid`. Needed when the application has several keys. */
  kid?: string;
  /** Default: the JWK's `alg`, else by key type: RSA RS256, EC P-256 ES256, OKP Ed25519 EdDSA. */
  alg?: ClientAssertionAlgorithm;
}

/**
 * Where a client assertion comes from when the client has no key of its own: a token its platform
 * issues to the workload (a federated credential), e.g. `fromTokenFile` of `@realmkit/sdk/node`.
 * Called for every token request; the result is sent as is.
 */
export type ClientAssertion = () => Promise<string>;

function isAlgorithm(value: unknown): value is ClientAssertionAlgorithm {
  return CLIENT_ASSERTION_ALGORITHMS.includes(value as ClientAssertionAlgorithm);
}

function isKeyObject(key: PrivateKey['key']): key is KeyObjectLike {
  return typeof (key as KeyObjectLike).export === 'function';
}

/** The algorithm a JWK signs with: its own `alg`, else its key type's usual one. */
function algorithmOfJwk(jwk: Jwk): string | undefined {
  if (jwk.alg !== undefined) return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

/**
 * Signs `private_key_jwt` assertions for `clientId` at `audience()` (the realm's issuer) with
 * WebCrypto, in Node.js and browsers alike. The key is checked here, so that a wrong one is a
 * TypeError where the client is made, and imported on first use. Each call signs a new assertion:
 * the server accepts a `jti` once, so neither a second token request nor a retry may reuse one.
 */
export function privateKeyAssertion(
  privateKey: PrivateKey,
  clientId: string,
  audience: () => Promise<string>,
): ClientAssertion {
  const { key } = privateKey;
  let jwk: Jwk | undefined;
  let alg: string | undefined;
  if (isCryptoKey(key)) {
    const own = algorithmOfSigningKey(key, 'privateKey.key');
    alg = privateKey.alg ?? own;
  } else {
    if (isKeyObject(key) && key.type !== 'private') throw new TypeError('privateKey.key must be a private KeyObject');
    // A KeyObject goes through its JWK: KeyObject#toCryptoKey is younger than Node 20.
    jwk = isKeyObject(key) ? key.export({ format: 'jwk' }) : key;
    if (typeof jwk.d !== 'string') throw new TypeError('privateKey.key must be a private key (the JWK has no "d")');
    alg = privateKey.alg ?? algorithmOfJwk(jwk);
  }
  if (!isAlgorithm(alg)) {
    throw new TypeError(
      `privateKey: ${alg === undefined ? 'no algorithm for this key' : `alg ${alg} is not supported`}; ` +
        `name one of ${CLIENT_ASSERTION_ALGORITHMS.join(', ')}`,
    );
  }
  const { key: importAs, sign: signAs } = WEB_CRYPTO[alg];
  const kid = privateKey.kid ?? jwk?.kid;
  const header = encodeJson(kid === undefined ? { alg, typ: 'JWT' } : { alg, kid, typ: 'JWT' });
  const importing = jwk;
  let signingKey: Promise<SigningKey> | undefined;

  return async () => {
    signingKey ??= importing
      ? // `Jwk` is WebCrypto's JsonWebKey by shape; the SDK's types do not name Node's or the DOM's.
        crypto.subtle.importKey('jwk', importing as never, importAs, false, ['sign'])
      : Promise.resolve(key as SigningKey);
    const iat = Math.floor(Date.now() / 1000);
    return signJws(signAs, await signingKey, header, {
      iss: clientId,
      sub: clientId,
      aud: await audience(),
      jti: crypto.randomUUID(),
      iat,
      exp: iat + CLIENT_ASSERTION_LIFETIME_SECONDS,
    });
  };
}
