import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { ClientAssertionAlgorithm, ClientJwks } from '@realmkit/contract';
import type { ErrorDetail } from '../errors/api-error.ts';
import { type OutboundPolicy, registrableUrlProblem } from '../outbound/outbound-url.ts';

/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The algorithms each kind of key can sign assertions with (the contract's CLIENT_ASSERTION_ALGORITHMS). */
const ALGORITHMS_OF: Record<string, readonly ClientAssertionAlgorithm[]> = {
  RSA: ['RS256', 'PS256'],
  'EC/P-256': ['ES256'],
  'OKP/Ed25519': ['EdDSA'],
};

/** RFC 8017 keys shorter than this are refused (NIST SP 800-131A: 2048 bits at least). */
const MIN_RSA_BITS = 2048;

function keyProblem(jwk: ClientJwks['keys'][number]): string | undefined {
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
    return 'is a private key: register only its public part (no d, p, q, dp, dq, qi or k)';
  }
  const kind = jwk.kty === 'RSA' ? 'RSA' : `${jwk.kty}/${String(jwk.crv)}`;
  const algorithms = ALGORITHMS_OF[kind];
  if (!algorithms) return 'must be an RSA key, an EC key on P-256, or an OKP key on Ed25519';
  if (jwk.alg !== undefined && !algorithms.includes(jwk.alg)) {
    return `is a ${kind} key: its alg can be ${algorithms.join(' or ')}`;
  }
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
      return `is an RSA key of fewer than ${MIN_RSA_BITS} bits`;
    }
  } catch {
    return 'is not a valid public JWK';
  }
  return undefined;
}

/** The problems of an application's `jwks`: each key importable and public, each `kid` once. */
export function jwksProblems(jwks: ClientJwks): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const kids = new Set<string>();
  jwks.keys.forEach((jwk, index) => {
    const problem = keyProblem(jwk);
    if (problem) problems.push({ path: `jwks.keys.${index}`, message: `This key ${problem}` });
    if (jwk.kid !== undefined) {
      if (kids.has(jwk.kid)) problems.push({ path: `jwks.keys.${index}.kid`, message: `kid ${jwk.kid} is used twice` });
      kids.add(jwk.kid);
    }
  });
  if (jwks.keys.length > 1 && jwks.keys.some((jwk) => jwk.kid === undefined)) {
    problems.push({ path: 'jwks.keys', message: 'With several keys, each needs a kid: assertions name theirs' });
  }
  return problems;
}

/** The problem of a `jwks_uri` (RFC 7591 §2), by the rules of what Realmkit fetches. */
export function jwksUriProblems(uri: string, policy: OutboundPolicy): ErrorDetail[] {
  const problem = registrableUrlProblem(uri, policy);
  return problem ? [{ path: 'jwks_uri', message: `jwks_uri ${problem}` }] : [];
}
