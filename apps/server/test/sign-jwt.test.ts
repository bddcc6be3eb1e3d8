import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign, verify } from 'node:crypto';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '@realmkit/contract';
import { compactVerify, decodeProtectedHeader, exportJWK, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { joseFromDer, type SigningPath, signJwt } from '../src/keys/sign-jwt.ts';

const PATHS: SigningPath[] = ['event-loop', 'thread-pool'];

function keyPairOf(alg: SigningAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
  }
}

const now = () => Math.floor(Date.now() / 1000);

function claims() {
  return {
    iss: 'https://id.example/oauth2/ré alm',
    sub: 'client-1',
    aud: 'https://api.example',
    iat: now(),
    exp: now() + 300,
    jti: randomUUID(),
    client_id: 'client-1',
    scope: 'read write',
  };
}

/** DER's minimal signed INTEGER of a big-endian unsigned value. */
function derInteger(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const body = value.subarray(start);
  const padded = (body[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body;
  return Buffer.concat([Buffer.from([0x02, padded.length]), padded]);
}

function sequenceOf(...members: Buffer[]): Buffer {
  const body = Buffer.concat(members);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** node:crypto's DER form of a JWS ES256 signature. */
function derOf(jose: Buffer): Buffer {
  return sequenceOf(derInteger(jose.subarray(0, 32)), derInteger(jose.subarray(32)));
}

describe('signJwt', () => {
  for (const alg of SIGNING_ALGORITHMS) {
    it.each(PATHS)(`${alg} signed on the %s verifies with jose against the public JWK, strictly`, async (path) => {
      const { privateKey, publicKey } = keyPairOf(alg);
      const jwk = { ...(await exportJWK(publicKey)), alg };
      const kid = randomBytes(8).toString('hex');
      const payload = claims();
      const token = await signJwt({ alg, typ: 'at+jwt', kid }, payload, privateKey, path);

      const verified = await jwtVerify(token, await importJWK(jwk, alg), {
        algorithms: [alg],
        typ: 'at+jwt',
        issuer: payload.iss,
        audience: payload.aud,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
      });
      expect(verified.protectedHeader).toStrictEqual({ alg, typ: 'at+jwt', kid });
      expect(verified.payload).toStrictEqual(payload);
      // The header is exactly what it says, in this order (no members added or lost on the way).
      expect(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).toBe(
        JSON.stringify({ alg, typ: 'at+jwt', kid }),
      );
      // Pinned to another algorithm, the same key refuses it.
      const other = SIGNING_ALGORITHMS.find((candidate) => candidate !== alg) as SigningAlgorithm;
      await expect(compactVerify(token, await importJWK(jwk, alg), { algorithms: [other] })).rejects.toThrow();
    });
  }

  it('both paths make the same signing input; a changed byte of either fails verification', async () => {
    const { privateKey, publicKey } = keyPairOf('ES256');
    const key = await importJWK({ ...(await exportJWK(publicKey)), alg: 'ES256' }, 'ES256');
    const payload = claims();
    const [onLoop, onPool] = await Promise.all(
      PATHS.map((path) => signJwt({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }, payload, privateKey, path)),
    );
    const inputOf = (token: string) => token.split('.').slice(0, 2).join('.');
    expect(inputOf(onLoop as string)).toBe(inputOf(onPool as string));
    for (const token of [onLoop, onPool] as string[]) {
      const [header, body, signature] = token.split('.') as [string, string, string];
      const flipped = Buffer.from(signature, 'base64url');
      flipped[0] = (flipped[0] as number) ^ 1;
      await expect(compactVerify(`${header}.${body}.${flipped.toString('base64url')}`, key)).rejects.toThrow();
      await expect(compactVerify(`${header}.${body.slice(0, -2)}AA.${signature}`, key)).rejects.toThrow();
    }
  });

  it("a key's header is encoded once, and anew when the same key signs under another kid or typ", async () => {
    const { privateKey } = keyPairOf('EdDSA');
    const first = await signJwt({ alg: 'EdDSA', typ: 'at+jwt', kid: 'a' }, claims(), privateKey);
    const second = await signJwt({ alg: 'EdDSA', typ: 'at+jwt', kid: 'a' }, claims(), privateKey);
    expect(first.split('.')[0]).toBe(second.split('.')[0]);
    expect(decodeProtectedHeader(await signJwt({ alg: 'EdDSA', typ: 'JWT', kid: 'b' }, claims(), privateKey))).toEqual({
      alg: 'EdDSA',
      typ: 'JWT',
      kid: 'b',
    });
    expect(
      decodeProtectedHeader(await signJwt({ alg: 'EdDSA', typ: 'at+jwt', kid: 'a' }, claims(), privateKey)),
    ).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: 'a' });
  });
});

describe('joseFromDer (ES256)', () => {
  it('turns node:crypto DER signatures into r || s that verify, over many signatures (r and s of every length)', () => {
    const { privateKey, publicKey } = keyPairOf('ES256');
    const lengths = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const data = randomBytes(40);
      const der = sign('sha256', data, privateKey);
      lengths.add(der.length);
      const jose = joseFromDer(der);
      expect(jose).toHaveLength(64);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
      expect(derOf(jose).equals(der)).toBe(true);
    }
    // 70 to 72 bytes in 2000 signatures: integers of 32 and 33 bytes both seen, and short ones.
    expect([...lengths].sort()).toEqual(expect.arrayContaining([70, 71, 72]));
  });

  it('pads short integers and drops the sign byte of long ones', () => {
    const cases = [
      Buffer.concat([Buffer.alloc(1), Buffer.alloc(31, 0x7f), Buffer.alloc(32, 0xff)]),
      Buffer.concat([Buffer.alloc(32, 0x80), Buffer.alloc(5), Buffer.alloc(27, 0x01)]),
      Buffer.concat([Buffer.alloc(31), Buffer.from([1]), Buffer.alloc(31), Buffer.from([0x80])]),
    ];
    for (const jose of cases) expect(joseFromDer(derOf(jose))).toStrictEqual(jose);
  });

  it('refuses what is not a DER ECDSA-Sig-Value of P-256', () => {
    const good = derOf(Buffer.alloc(64, 0x11));
    const bad = [
      Buffer.alloc(0),
      Buffer.from([0x31, ...good.subarray(1)]),
      Buffer.concat([good, Buffer.from([0])]),
      good.subarray(0, good.length - 1),
      derOf(Buffer.alloc(64, 0x11)).fill(0x03, 2, 3),
      sequenceOf(derInteger(Buffer.concat([Buffer.from([1]), Buffer.alloc(32, 0x11)])), derInteger(Buffer.alloc(32))),
      sequenceOf(derInteger(Buffer.alloc(32, 0x11)), derInteger(Buffer.alloc(32, 0x11)).subarray(0, 33)),
      sequenceOf(derInteger(Buffer.alloc(32, 0x11)), Buffer.from([0x02, 0])),
    ];
    for (const der of bad) expect(() => joseFromDer(der), der.toString('hex')).toThrow(/not a DER ECDSA signature/);
  });
});
