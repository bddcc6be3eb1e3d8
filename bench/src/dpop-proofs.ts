// DPoP proofs (RFC 9449 §4) for figures 11 and 12, made the same way for every side of a ratio:
// by the load generator (load.ts), one fresh proof per request, with node:crypto's synchronous
// `sign` (autocannon builds each request synchronously), and by the bench's set-up for its checks.
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';

/** A client's ES256 DPoP key: the private JWK travels to the load generator in its spec. */
export interface DpopKey {
  privateJwk: JsonWebKey;
}

export function dpopKey(): DpopKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateJwk: privateKey.export({ format: 'jwk' }) };
}

/** The public JWK a proof carries in its header: the members RFC 7638 §3.2 names for EC, no `d`. */
function publicJwkOf(key: DpopKey): { crv: string; kty: string; x: string; y: string } {
  const { crv, kty, x, y } = key.privateJwk;
  return { crv: crv as string, kty: kty as string, x: x as string, y: y as string };
}

/** The RFC 7638 thumbprint of the key: what a token bound to it carries as `cnf.jkt`. */
export function thumbprintOf(key: DpopKey): string {
  // Required members only, in lexicographic order (RFC 7638 §3.3), which publicJwkOf keeps.
  return createHash('sha256')
    .update(JSON.stringify(publicJwkOf(key)))
    .digest('base64url');
}

/** The SHA-256 of an access token, base64url: a proof's `ath` at a protected resource (§4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

/**
 * A proof signer for one key: its `KeyObject` and encoded protected header prepared once, so that
 * each proof costs one ES256 signature and a JSON payload.
 */
export function proofSigner(key: DpopKey): (htm: string, htu: string, ath?: string) => string {
  const privateKey: KeyObject = createPrivateKey({ key: key.privateJwk, format: 'jwk' });
  const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwkOf(key) })).toString(
    'base64url',
  );
  return (htm, htu, ath) => {
    const payload = Buffer.from(
      JSON.stringify({ jti: randomUUID(), htm, htu, iat: Math.floor(Date.now() / 1000), ...(ath ? { ath } : {}) }),
    ).toString('base64url');
    const input = `${header}.${payload}`;
    // JWS wants r || s, not node's default DER (RFC 7518 §3.4).
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  };
}
