import {
  DPOP_HEADER,
  DPOP_NONCE_HEADER,
  DPOP_SCHEME,
  DPOP_SIGNING_ALGORITHMS,
  ERROR_MESSAGES,
  type RouteMetadata,
} from '@realmkit/contract';
import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from '../errors/api-error.ts';

/** Who is calling: the client of a verified access token, and the user it acts for, if any. */
export interface Principal {
  readonly realmId: string;
  readonly realmName: string;
  /** Master-realm tokens may manage every realm and the realms API. */
  readonly isMaster: boolean;
  readonly clientId: string;
  /** The user a user's token was issued to (`sub` ≠ `client_id`); `null` for a client's own token. */
  readonly userId: string | null;
  readonly scopes: ReadonlySet<string>;
}

/** The realm a request addresses through `{realm}` in its path. */
export interface TargetRealm {
  readonly id: string;
  readonly name: string;
}

/**
 * An access token as a request presents it: as a bearer token (RFC 6750 §2.1), or DPoP-bound with
 * the proof of its key (RFC 9449 §7.1), and what that proof must be for.
 */
export interface PresentedToken {
  scheme: 'Bearer' | typeof DPOP_SCHEME;
  token: string;
  /** The `DPoP` header, when sent. */
  proof: string | undefined;
  method: string;
  /** The path the request was sent to, without its query: with the public base URL, a proof's `htu`. */
  path: string;
}

export interface BearerAuthOptions {
  /** Verifies an access token for the Management API; throws a 401 {@link ApiError} if it is not one. */
  authenticate(presented: PresentedToken): Promise<Principal>;
  /** Finds a realm by UUID or name. */
  findRealm(ref: string): Promise<TargetRealm | null>;
}

const AUTH_REALM = 'realmkit';

/**
 * `text` as an `error_description` (RFC 6750 §3): printable ASCII but `"` and `\`. The message a
 * refusal gives may quote a token's claims: a quote becomes `'`, anything else outside the set `?`,
 * so the header stays well-formed (and Node never refuses to send it).
 */
export function errorDescription(text: string): string {
  return text.replace(/"/g, "'").replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?');
}

/** RFC 9449 §7.1: the DPoP challenge names the algorithms a proof may use. */
const DPOP_CHALLENGE = `${DPOP_SCHEME} algs="${DPOP_SIGNING_ALGORITHMS.join(' ')}"`;

export function invalidToken(message: string): ApiError {
  return new ApiError(401, message, {
    headers: {
      'WWW-Authenticate': `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="${errorDescription(message)}"`,
    },
  });
}

/**
 * A 401 in the DPoP scheme (RFC 9449 §7.1): a bound token without a valid proof, or a proof for
 * another request (`invalid_dpop_proof`), a proof without the nonce asked for (`use_dpop_nonce`,
 * with the nonce in `DPoP-Nonce`, §9), or a token not usable this way (`invalid_token`).
 */
export function dpopRefusal(
  code: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce',
  message: string,
  nonce?: string,
): ApiError {
  return new ApiError(401, message, {
    code,
    headers: {
      'WWW-Authenticate': `${DPOP_CHALLENGE}, error="${code}", error_description="${errorDescription(message)}"`,
      ...(nonce ? { [DPOP_NONCE_HEADER]: nonce } : {}),
    },
  });
}

function insufficientScope(scope: string, message: string): ApiError {
  return new ApiError(403, message, {
    headers: {
      'WWW-Authenticate': `Bearer realm="${AUTH_REALM}", error="insufficient_scope", scope="${scope}"`,
    },
  });
}

/** RFC 6750 §2.1 and RFC 9449 §7.1: the scheme, then a token68. */
const AUTHORIZATION = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The access token `req` presents (`Authorization: Bearer` or `DPoP`), with its proof; a 401
 * challenging both schemes when there is none.
 */
export function presentedTokenOf(req: Request): PresentedToken {
  const header = req.get('authorization');
  if (!header) {
    throw new ApiError(401, ERROR_MESSAGES.missingBearerToken, {
      headers: { 'WWW-Authenticate': `Bearer realm="${AUTH_REALM}", ${DPOP_CHALLENGE}` },
    });
  }
  const match = AUTHORIZATION.exec(header);
  if (!match?.[1] || !match[2]) throw invalidToken('The Authorization header is not a Bearer or DPoP token');
  const queryAt = req.originalUrl.indexOf('?');
  return {
    scheme: match[1].toLowerCase() === 'dpop' ? DPOP_SCHEME : 'Bearer',
    token: match[2],
    proof: req.get(DPOP_HEADER),
    method: req.method,
    path: queryAt === -1 ? req.originalUrl : req.originalUrl.slice(0, queryAt),
  };
}

/**
 * The one middleware that enforces each route's scope, read from the contract's metadata.
 * Public routes (no `scope`) pass through. A token of realm X manages realm X; a master-realm
 * token manages every realm. On success, `res.locals` holds the principal and target realm.
 */
export function bearerAuth(options: BearerAuthOptions): RequestHandler {
  return async (req, res, next) => {
    const metadata = (req as { tsRestRoute?: { metadata?: RouteMetadata } }).tsRestRoute?.metadata;
    if (!metadata?.scope) return next();
    try {
      const principal = await options.authenticate(presentedTokenOf(req));
      if (metadata.masterOnly && !principal.isMaster) {
        throw insufficientScope(metadata.scope, `This route needs a master realm token with ${metadata.scope}`);
      }
      if (!principal.scopes.has(metadata.scope)) {
        throw insufficientScope(metadata.scope, ERROR_MESSAGES.lacksScope(metadata.scope));
      }
      const realmRef = req.params.realm;
      if (typeof realmRef === 'string') res.locals.realm = await authorizedRealm(options, principal, realmRef);
      res.locals.principal = principal;
      next();
    } catch (error) {
      next(error);
    }
  };
}

async function authorizedRealm(options: BearerAuthOptions, principal: Principal, ref: string): Promise<TargetRealm> {
  if (!principal.isMaster) {
    // A realm's own token: the path must name that realm, by id or name. Anything else is a
    // token for another audience (RFC 6750 invalid_token), and says nothing about other realms.
    if (ref !== principal.realmId && ref !== principal.realmName) throw notThisRealm(principal);
    return { id: principal.realmId, name: principal.realmName };
  }
  const realm = await options.findRealm(ref);
  if (!realm) throw new ApiError(404, `Realm ${ref} not found`);
  return realm;
}

/**
 * For routes that name their realm elsewhere than the path (the users API by realm name): a
 * realm's own token manages that realm only (401, as for a path naming another realm).
 */
export function assertManages(principal: Principal, realm: TargetRealm): void {
  if (!principal.isMaster && principal.realmId !== realm.id) throw notThisRealm(principal);
}

/** A realm's own token used on another realm: says whose it is, and nothing of the realm it named. */
function notThisRealm(principal: Principal): ApiError {
  return invalidToken(
    `This token was issued by realm ${principal.realmName}: it manages that realm only (a master realm token manages every realm)`,
  );
}

/**
 * Records the realm a request addresses when its path does not name it (the users API by realm
 * name), as {@link bearerAuth} does for `{realm}`: what {@link targetRealm} and the audit trail read.
 */
export function setTargetRealm(res: Response, realm: TargetRealm): void {
  res.locals.realm = { id: realm.id, name: realm.name } satisfies TargetRealm;
}

/** The realm the request addresses, set by {@link bearerAuth}. */
export function targetRealm(res: Response): TargetRealm {
  const realm = res.locals.realm as TargetRealm | undefined;
  if (!realm) throw new Error('targetRealm() on a route without {realm}');
  return realm;
}

/** The verified caller, set by {@link bearerAuth}. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('principalOf() on a public route');
  return principal;
}
