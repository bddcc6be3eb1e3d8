/**
 * DPoP (RFC 9449): what a proof must be, written once for the server, discovery, the SDK and the
 * OpenAPI document.
 */

/** The `Authorization` scheme of a DPoP-bound access token (RFC 9449 §7.1), and its `token_type` (§5). */
export const DPOP_SCHEME = 'DPoP';

/** The request header that carries a proof (§4.1), and the one that carries a server nonce (§8.1). */
export const DPOP_HEADER = 'DPoP';
export const DPOP_NONCE_HEADER = 'DPoP-Nonce';

/** The proof's JOSE `typ` (§4.2). */
export const DPOP_PROOF_TYPE = 'dpop+jwt';

/**
 * What a proof may be signed with (§4.2, listed in discovery as `dpop_signing_alg_values_supported`):
 * asymmetric algorithms only, ES256 first, as clients default to it; Ed25519 under both its names
 * (`EdDSA`, and RFC 9864's fully specified `Ed25519`, which the `dpop` package sends).
 */
export const DPOP_SIGNING_ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'] as const;
export type DpopSigningAlgorithm = (typeof DPOP_SIGNING_ALGORITHMS)[number];

/**
 * How far a proof's `iat` may lie from the server's clock without a nonce, in seconds (§4.3 step 11,
 * §11.1: "a reasonable time window"). A proof's `jti` is remembered for twice this, so that it is
 * refused for as long as its `iat` could be accepted.
 */
export const DPOP_PROOF_IAT_WINDOW_SECONDS = 300;

/** Characters of a proof: a JWT with an RSA public key in its header fits with room to spare. */
export const DPOP_PROOF_MAX_LENGTH = 4096;

/** Characters of a proof's `jti` (§4.2: enough randomness, not a document). */
export const DPOP_JTI_MAX_LENGTH = 256;

/** Bits of an RSA proof key: at least 2048 (RFC 8725 §3.5), at most 4096 so that no input sets the cost. */
export const DPOP_RSA_MODULUS_BITS = { min: 2048, max: 4096 } as const;
