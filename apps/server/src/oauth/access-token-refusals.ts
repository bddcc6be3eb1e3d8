import { MAX_ACCESS_TOKEN_TTL } from '@realmkit/contract';
import { decodeProtectedHeader, errors as joseErrors } from 'jose';

/** What a token was checked against, to say in a refusal what was expected. */
export interface ExpectedToken {
  /** The realm whose keys and issuer the token was checked against. */
  realm: string;
  issuer: string;
  /** The audience it must carry, with what it is for a person: "the Management API of realm acme". */
  audience?: { url: string; name: string } | undefined;
  /** The algorithms the realm's published keys sign with. */
  algorithms: readonly string[];
  type: string;
}

/** Claim values are the token's (signed, but chosen by whoever configured the resource): kept short. */
const MAX_SHOWN = 120;

/** A value of the token, as a refusal quotes it. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/** A NumericDate (RFC 7519 §2) as an ISO date, or as it was if it is not one. */
function when(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < 8.64e12
    ? new Date(value * 1000).toISOString()
    : shown(value);
}

function headerOf(token: string): { alg?: unknown; kid?: unknown; typ?: unknown } {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return {};
  }
}

/**
 * Why jose refused `token`, in words that name the claim or header at fault, what the token says and
 * what was expected: "This token is for https://api.example, not the Management API of realm acme
 * (https://id.example/api/v1/acme)" rather than jose's code. Nothing here is secret: the token's
 * bearer can decode every value shown, and the expected values are public (discovery, JWKS).
 */
export function refusalMessage(error: joseErrors.JOSEError, token: string, expected: ExpectedToken): string {
  if (error instanceof joseErrors.JWTClaimValidationFailed || error instanceof joseErrors.JWTExpired) {
    const { claim, reason } = error;
    const payload = error.payload as Record<string, unknown>;
    const value = payload[claim];
    if (reason === 'missing') return `The access token has no "${claim}" claim`;
    if (reason === 'invalid') return `The access token's "${claim}" claim is not a NumericDate (RFC 7519 §2)`;
    switch (claim) {
      case 'aud': {
        const audiences = Array.isArray(value) ? value.map(shown).join(', ') : shown(value);
        const target = expected.audience;
        return target
          ? `This token is for ${audiences}, not ${target.name} (${target.url})`
          : `This token is for ${audiences}`;
      }
      case 'iss':
        return `This token was issued by ${shown(value)}, not by realm ${expected.realm} (${expected.issuer})`;
      case 'exp':
        return `The access token expired at ${when(value)}: get a new one`;
      case 'nbf':
        return `The access token is not valid before ${when(value)}`;
      case 'iat':
        return error instanceof joseErrors.JWTExpired
          ? `The access token was issued at ${when(value)}, longer ago than any token lives (${MAX_ACCESS_TOKEN_TTL} s)`
          : `The access token's issue time (iat, ${when(value)}) is in the future`;
      case 'typ': {
        const { typ } = headerOf(token);
        // RFC 9068 §2.1: an access token says so; an ID token (typ JWT) is the usual mix-up.
        return `The token's "typ" header is ${typ === undefined ? 'missing' : shown(typ)}, not ${expected.type}: only access tokens (RFC 9068) are accepted here, not ID tokens`;
      }
      default:
        return `The access token's "${claim}" claim is not accepted`;
    }
  }
  const header = headerOf(token);
  switch (error.code) {
    case joseErrors.JWSSignatureVerificationFailed.code:
      return `The access token's signature does not verify with the keys of realm ${expected.realm}`;
    case joseErrors.JWKSNoMatchingKey.code:
      return `No signing key of realm ${expected.realm} matches the access token (kid ${shown(header.kid)}, alg ${shown(header.alg)})`;
    case joseErrors.JOSEAlgNotAllowed.code:
      return `The access token is signed with ${shown(header.alg)}; realm ${expected.realm} signs with ${expected.algorithms.join(', ')}`;
    case joseErrors.JWSInvalid.code:
    case joseErrors.JWTInvalid.code:
      return `The access token is not a well-formed JWT: ${error.message}`;
    default:
      return `The access token is invalid (${error.code})`;
  }
}
