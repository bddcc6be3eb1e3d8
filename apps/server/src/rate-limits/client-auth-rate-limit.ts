import type { Request, RequestHandler, Response } from 'express';
import { type ClientAuthGuard, guardClientAuth } from '../oauth-protocol/client-auth-guard.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import {
  basicCredentialParts,
  decodeFormComponent,
  preventCaching,
  sendOAuthError,
} from '../oauth-protocol/oauth-form.ts';
import type { Quota, QuotaOutcome } from './quota.ts';
import { decisive, secondsBeforeReset, setRateLimitHeaders } from './rate-limit-headers.ts';

/** The quotas of the endpoints where clients authenticate; each `undefined` when off. */
export interface ClientAuthQuotas {
  /** Requests per authenticated `client_id`. */
  readonly perClient?: Quota | undefined;
  /** Requests per IP address, before anything is read of them. */
  readonly perIp?: Quota | undefined;
  /** Failed authentications per `client_id` and IP address. */
  readonly failuresPerClientAndIp?: Quota | undefined;
  /** Failed authentications per IP address, across clients. */
  readonly failuresPerIp?: Quota | undefined;
}

const known = (outcomes: readonly (QuotaOutcome | undefined)[]) =>
  outcomes.filter((outcome): outcome is QuotaOutcome => outcome !== undefined);

/**
 * The client_id a request names (Basic header, else the form), read ahead of the authentication
 * method only to fetch its failures with the request's other counts. The guard is asked with the
 * id the method reads, and fetches again for another.
 */
function namedClientId(req: Request): string | undefined {
  const basic = basicCredentialParts(req.get('authorization'));
  if (basic === null) return undefined;
  if (basic) {
    try {
      return decodeFormComponent(basic.id);
    } catch {
      return undefined;
    }
  }
  const posted = (req.body as Record<string, unknown> | undefined)?.client_id;
  return typeof posted === 'string' ? posted : undefined;
}

/** A refusal: the headers of `outcome`, and the error that answers the request as RFC 6749 says. */
function refusal(res: Response, outcome: QuotaOutcome, what: string): OAuthError {
  setRateLimitHeaders(res, outcome);
  return new OAuthError('rate_limited', `Too many ${what}; retry in ${secondsBeforeReset(outcome)} s`);
}

/**
 * The limits of the token, introspection and revocation endpoints (docs/rate-limits.md; decision
 * 0022), one middleware mounted on all three once their form is parsed. Every request counts
 * against its IP address (`req.ip`, which honours `REALMKIT_TRUST_PROXY`) at once. The rest waits
 * for the client the request names, through the {@link ClientAuthGuard} it puts on the response:
 * before the proof is checked, an address that failed too often for that client_id (or for any)
 * is refused, the proof unchecked; a failed proof counts against those two; only an authenticated
 * request counts against its client's own quota, so that others' failures never use it up.
 *
 * A refusal is a 429 in RFC 6749's error shape with `error: "rate_limited"`, an extension code
 * (RFC 6749 §8.5), with `Retry-After` and the `RateLimit-*` headers of the quota that refused.
 */
export function clientAuthRateLimit(quotas: ClientAuthQuotas): RequestHandler {
  const { perClient, perIp, failuresPerClientAndIp, failuresPerIp } = quotas;
  return async (req, res, next) => {
    const ip = req.ip ?? 'unknown';
    // The address comes first: it holds no space, so no client_id can make another address's key.
    const here = (clientId: string) => `${ip} ${clientId}`;
    const named = namedClientId(req);
    // One round trip to the store before the endpoint runs, rather than one per count.
    const [fromIp, failedHere, failedFromIp] = await Promise.all([
      perIp?.consume(ip),
      named === undefined ? undefined : failuresPerClientAndIp?.peek(here(named)),
      failuresPerIp?.peek(ip),
    ]);
    if (fromIp) setRateLimitHeaders(res, fromIp);
    if (fromIp && !fromIp.allowed) {
      preventCaching(res);
      return sendOAuthError(res, refusal(res, fromIp, 'requests from this address'));
    }
    const guard: ClientAuthGuard = {
      async admit(clientId) {
        const forClient = clientId === named ? failedHere : await failuresPerClientAndIp?.peek(here(clientId));
        const refused = decisive(known([forClient, failedFromIp]).filter((outcome) => !outcome.allowed));
        if (refused) throw refusal(res, refused, 'failed client authentications');
      },
      async failed(clientId) {
        await Promise.all([failuresPerClientAndIp?.consume(here(clientId)), failuresPerIp?.consume(ip)]);
      },
      async succeeded(clientId) {
        const outcome = decisive(known([fromIp, await perClient?.consume(clientId)]));
        if (!outcome) return;
        if (!outcome.allowed) throw refusal(res, outcome, 'requests for this client');
        setRateLimitHeaders(res, outcome);
      },
    };
    guardClientAuth(res, guard);
    next();
  };
}
