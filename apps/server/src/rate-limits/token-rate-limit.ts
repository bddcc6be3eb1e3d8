import type { Request, RequestHandler } from 'express';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import {
  basicCredentialParts,
  decodeFormComponent,
  preventCaching,
  sendOAuthError,
} from '../oauth-protocol/oauth-form.ts';
import type { Quota, QuotaOutcome } from './quota.ts';
import { decisive, secondsBeforeReset, setRateLimitHeaders } from './rate-limit-headers.ts';

/**
 * The client_id a token request claims (Basic header, else the form), before it is
 * authenticated. Counting what is claimed lets a flood of bad secrets for one client use up that
 * client's budget; the per-IP quota bounds how fast any one source can do that.
 */
function claimedClientId(req: Request): string | undefined {
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

/**
 * The token endpoint's limits, per claimed client_id and per IP address (`req.ip`, which honours
 * `REALMKIT_TRUST_PROXY`), run once the form is parsed. A refusal is a 429 in RFC 6749's error
 * shape with `error: "rate_limited"`, an extension code (RFC 6749 §8.5).
 */
export function tokenRateLimit(quotas: { perClient?: Quota | undefined; perIp?: Quota | undefined }): RequestHandler {
  return async (req, res, next) => {
    const clientId = claimedClientId(req);
    const counting: Promise<QuotaOutcome | undefined>[] = [];
    if (quotas.perIp) counting.push(quotas.perIp.consume(req.ip ?? 'unknown'));
    if (quotas.perClient && clientId) counting.push(quotas.perClient.consume(clientId));
    const outcome = decisive((await Promise.all(counting)).filter((o): o is QuotaOutcome => o !== undefined));
    if (!outcome) return next();
    setRateLimitHeaders(res, outcome);
    if (outcome.allowed) return next();
    const error = new OAuthError('rate_limited', `Too many token requests; retry in ${secondsBeforeReset(outcome)} s`);
    preventCaching(res);
    sendOAuthError(res, error);
  };
}
