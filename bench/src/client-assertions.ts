import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';

/** The `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2). */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * How long a pre-signed assertion stays valid: longer than any load takes to use it (a full run's
 * are signed right before a 13 s load), within the 300 s Realmkit accepts. Both sides keep each
 * `jti` for this long.
 */
const LIFETIME_S = 120;

/** A client's ES256 key: the private key that signs its assertions, the public JWK it registers. */
export interface AssertionKey {
  privateKey: KeyObject;
  publicJwk: { kty: string; crv: string; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' };
}

export function assertionKey(kid = 'bench-es256'): AssertionKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return {
    privateKey,
    publicJwk: {
      kty: kty as string,
      crv: crv as string,
      x: x as string,
      y: y as string,
      kid,
      alg: 'ES256',
      use: 'sig',
    },
  };
}

const b64url = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

/**
 * A client assertion as RFC 7523 §3 and OIDC Core §9 want it for `private_key_jwt`: `iss` = `sub`
 * = the client, `aud` the server's issuer, a `jti` of its own, ES256.
 */
export function signAssertion(key: AssertionKey, clientId: string, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url({ alg: 'ES256', kid: key.publicJwk.kid });
  const payload = b64url({
    iss: clientId,
    sub: clientId,
    aud: audience,
    jti: randomUUID(),
    iat: now,
    exp: now + LIFETIME_S,
  });
  const input = `${header}.${payload}`;
  // JWS wants r || s, not node's default DER (RFC 7518 §3.4).
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** The form body of a client_credentials request authenticated by `assertion`, asking `form` too. */
export function assertionBody(clientId: string, assertion: string, form: Record<string, string>): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
    ...form,
  }).toString();
}

/**
 * Writes `count` client_credentials request bodies to `file`, one a line, each with a fresh
 * assertion: every one is accepted once (the `jti`), so a load sends each once. They are signed
 * here, before the load, so that the load generator's CPU (on the machine's two cores, beside the
 * server) is what it is for the client_secret loads. Answers a function that removes the file.
 */
export function writeAssertionBodies(
  file: string,
  count: number,
  {
    key,
    clientId,
    audience,
    form,
  }: { key: AssertionKey; clientId: string; audience: string; form: Record<string, string> },
): () => void {
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) lines[i] = assertionBody(clientId, signAssertion(key, clientId, audience), form);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return () => rmSync(file, { force: true });
}
