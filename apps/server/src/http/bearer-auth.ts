import { ERROR_MESSAGES, type RouteMetadata } from '@realmkit/contract';
import type { RequestHandler, Response } from 'express';
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

export interface BearerAuthOptions {
  /** Verifies an access token for the Management API; throws a 401 {@link ApiError} if it is not one. */
  authenticate(token: string): Promise<Principal>;
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

export function invalidToken(message: string): ApiError {
  return new ApiError(401, message, {
    headers: {
      'WWW-Authenticate': `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="${errorDescription(message)}"`,
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

function bearerTokenOf(header: string | undefined): string {
  if (!header) {
    throw new ApiError(401, ERROR_MESSAGES.missingBearerToken, {
      headers: { 'WWW-Authenticate': `Bearer realm="${AUTH_REALM}"` },
    });
  }
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match?.[1]) throw invalidToken('The Authorization header is not a bearer token');
  return match[1];
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
      const principal = await options.authenticate(bearerTokenOf(req.get('authorization')));
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
