import {
  ACCESS_TOKEN_TYPE_URN,
  type Actor,
  contract,
  EXCHANGEABLE_TOKEN_TYPES,
  MAX_ACCESS_TOKEN_TTL,
  TOKEN_EXCHANGE_AUDIT_ACTIONS,
  type TokenResponse,
} from '@realmkit/contract';
import type { Application } from '../../applications/application.entity.ts';
import type { AuditDetails } from '../../audit/audit-log.entity.ts';
import { OAuthError } from '../../oauth-protocol/oauth-error.ts';
import type { Resource } from '../../resources/resource.entity.ts';
import { type AccessTokenClaims, InvalidAccessToken, type TokenSubject } from '../access-tokens.ts';
import { type GrantContext, tokenTypeOf } from './grant.ts';
import { requestedScopes } from './scopes.ts';

/** RFC 8693 §2.1's request parameters; `resource` is RFC 8707's, one target per token as elsewhere. */
export const parameters = [
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'resource',
  'audience',
  'scope',
  'requested_token_type',
] as const;

type Context = GrantContext<(typeof parameters)[number]>;

/** What the exchange has learnt so far: the audit entry says it, for a refusal too. */
interface Facts {
  subject?: { claims: AccessTokenClaims; subject: TokenSubject };
  actor?: string;
  audience?: string;
  scope?: string;
}

/**
 * Token exchange (RFC 8693): a confidential client presents an access token of this realm (the
 * subject's: a user's or an application's) and gets a new one for a target, acting for the same
 * subject, whose `act` (§4.1) names the client, or the actor of its `actor_token`. The new token
 * is never wider than the one presented: its scopes are the subject token's that both the
 * requesting client and the subject may still obtain for the target (and that `scope` asks for),
 * and it expires no later than the subject token (and the actor token). Every exchange is in the
 * audit log before its token is handed out; a refusal is recorded too.
 */
export async function handler(context: Context): Promise<TokenResponse> {
  const facts: Facts = {};
  try {
    const response = await exchange(context, facts);
    await context.services.audit.record(auditEvent(context, facts, TOKEN_EXCHANGE_AUDIT_ACTIONS.exchanged, 200));
    return response;
  } catch (error) {
    if (error instanceof OAuthError) {
      context.services.audit.recordLater(
        auditEvent(context, facts, TOKEN_EXCHANGE_AUDIT_ACTIONS.failed, error.status, error.code),
      );
    }
    throw error;
  }
}

async function exchange(context: Context, facts: Facts): Promise<TokenResponse> {
  const { realm, client, params, services, dpop } = context;
  // Like client_credentials, for confidential clients only: the application rules allow the grant
  // to no public client, and this holds even for a row written around them.
  if (client.tokenEndpointAuthMethod === 'none') {
    throw new OAuthError('unauthorized_client', 'A public client cannot exchange tokens');
  }
  if (!params.subject_token) throw new OAuthError('invalid_request', 'The subject_token parameter is required');
  checkTokenType('subject_token_type', params.subject_token_type);
  // §2.1: actor_token_type is required with actor_token, and must not come without it.
  if (params.actor_token !== undefined || params.actor_token_type !== undefined) {
    if (!params.actor_token) throw new OAuthError('invalid_request', 'actor_token_type was sent without actor_token');
    checkTokenType('actor_token_type', params.actor_token_type);
  }
  if (params.requested_token_type !== undefined && params.requested_token_type !== ACCESS_TOKEN_TYPE_URN) {
    throw new OAuthError('invalid_request', `Only ${ACCESS_TOKEN_TYPE_URN} may be requested`);
  }
  const requested = requestedScopes(params.scope);

  const subject = await verified(context, 'subject_token', params.subject_token);
  facts.subject = subject;
  const { claims } = subject;
  const userinfo = services.issuers.urlOf(contract.oauth.userinfo.path, realm.name);
  const subjectResource = claims.aud === userinfo ? null : await services.cache.resource(realm, claims.aud);
  if (claims.aud !== userinfo && !subjectResource) {
    throw new OAuthError('invalid_grant', 'The subject_token is for a resource this realm no longer has');
  }

  let actor = client.clientId;
  let actorExp: number | undefined;
  if (params.actor_token) {
    // Decision 0027: the actor token is one the requesting client holds, its own or a user's
    // signed in to it; `act` names its subject.
    const { claims: actorClaims } = await verified(context, 'actor_token', params.actor_token);
    if (actorClaims.client_id !== client.clientId) {
      throw new OAuthError('invalid_grant', 'The actor_token was issued to another client');
    }
    if (actorClaims.act !== undefined) {
      throw new OAuthError('invalid_grant', 'The actor_token is itself an exchanged token; send one issued directly');
    }
    actor = actorClaims.sub;
    actorExp = actorClaims.exp;
  }
  facts.actor = actor;
  checkMayAct(claims, actor, services.issuers.issuerOf(realm.name));

  const target = await targetOf(context, subjectResource);
  facts.audience = target.indicator;
  const scopes = await grantedScopes(context, subject, target, requested);
  facts.scope = scopes.join(' ');

  const now = Math.floor(services.clock() / 1000);
  // Never past the subject token's expiry, nor the actor token's: the new token is evidence of
  // both (decision 0027).
  const ttlSeconds = Math.min(
    target.accessTokenTtl,
    MAX_ACCESS_TOKEN_TTL,
    claims.exp - now,
    ...(actorExp === undefined ? [] : [actorExp - now]),
  );
  if (ttlSeconds < 1) throw new OAuthError('invalid_grant', 'The subject_token or actor_token expires now');

  // §4.1: the current actor outermost, the subject token's own actors nested inside it.
  const act: Actor = { sub: actor, ...(claims.act ? { act: claims.act } : {}) };
  const accessToken = await services.tokens.issue({
    realm,
    clientId: client.clientId,
    subject: claims.sub,
    audience: target.indicator,
    scopes,
    ttlSeconds,
    issuedAt: now,
    claims: { act },
    // RFC 9449 §5: with a proof, the new token is bound to the requesting client's key.
    dpopJkt: dpop?.jkt,
  });
  // §2.2.1: no refresh token; the client exchanges the subject token again.
  return {
    access_token: accessToken,
    issued_token_type: ACCESS_TOKEN_TYPE_URN,
    token_type: tokenTypeOf(dpop),
    expires_in: ttlSeconds,
    scope: scopes.join(' '),
  };
}

function checkTokenType(name: 'subject_token_type' | 'actor_token_type', value: string | undefined): void {
  if (!value) throw new OAuthError('invalid_request', `The ${name} parameter is required`);
  if (!(EXCHANGEABLE_TOKEN_TYPES as readonly string[]).includes(value)) {
    throw new OAuthError('invalid_request', `${name} must be ${EXCHANGEABLE_TOKEN_TYPES.join(' or ')}`);
  }
}

/**
 * The token, verified as an access token of this realm (any of its audiences), or `invalid_grant`
 * saying why not (decision 0027: RFC 8693 §2.2.2 says `invalid_request`; the token plays the
 * grant's part here, as a code or a refresh token does).
 */
async function verified(
  { realm, services, dpop }: Context,
  name: 'subject_token' | 'actor_token',
  token: string,
): Promise<{ claims: AccessTokenClaims; subject: TokenSubject }> {
  let result: { claims: AccessTokenClaims; subject: TokenSubject };
  try {
    result = await services.tokens.verifyWithSubject(realm, token);
  } catch (error) {
    if (error instanceof InvalidAccessToken) {
      throw new OAuthError('invalid_grant', `The ${name} is not a valid access token of this realm: ${error.message}`);
    }
    throw error;
  }
  // RFC 9449 §6: a token bound to a key is worth something only with a proof of that key. An
  // exchange without one would launder a stolen bound token into one that is not.
  const confirmation = result.claims.cnf as unknown;
  if (confirmation !== undefined) {
    const jkt = (confirmation as { jkt?: unknown } | null)?.jkt;
    if (typeof jkt !== 'string' || dpop?.jkt !== jkt) {
      throw new OAuthError(
        'invalid_grant',
        `The ${name} is bound to a key that this request's DPoP proof does not prove`,
      );
    }
  }
  return result;
}

/**
 * §4.4: a subject token that says who may act for its subject (`may_act`) may be exchanged by that
 * actor only; its `iss`, when present, must be this realm's.
 */
function checkMayAct(claims: AccessTokenClaims, actor: string, issuer: string): void {
  if (claims.may_act === undefined) return;
  const mayAct = claims.may_act as unknown as { sub?: unknown; iss?: unknown } | null;
  const allowed =
    mayAct !== null &&
    typeof mayAct === 'object' &&
    mayAct.sub === actor &&
    (mayAct.iss === undefined || mayAct.iss === issuer);
  if (!allowed) throw new OAuthError('invalid_grant', `The subject_token's may_act does not name ${actor}`);
}

/**
 * The new token's target: `resource` (RFC 8707) or `audience` (RFC 8693 §2.1, a resource's
 * indicator as its logical name), else the subject token's own resource.
 */
async function targetOf({ realm, params, services }: Context, subjectResource: Resource | null): Promise<Resource> {
  if (params.resource !== undefined && params.audience !== undefined && params.resource !== params.audience) {
    throw new OAuthError('invalid_target', 'resource and audience name different targets; a token has one');
  }
  const indicator = params.resource ?? params.audience;
  if (indicator === undefined) {
    if (subjectResource) return subjectResource;
    throw new OAuthError(
      'invalid_target',
      'The subject_token is for the userinfo endpoint; name an API resource of this realm with resource or audience',
    );
  }
  const target = await services.cache.resource(realm, indicator);
  if (!target) throw new OAuthError('invalid_target', `Unknown resource: ${indicator}`);
  return target;
}

/**
 * The scopes of the new token (decision 0027): the subject token's, that the requesting client
 * may obtain for the target (its roles, as client_credentials grants; for an application that
 * signs users in and a user's token, what signing that user in would give), that the subject may
 * still obtain there itself (the user's roles, or the subject application's), and that `scope`
 * asks for. None is `invalid_scope`.
 */
async function grantedScopes(
  { realm, client, services }: Context,
  { claims, subject }: { claims: AccessTokenClaims; subject: TokenSubject },
  target: Resource,
  requested: string[] | undefined,
): Promise<string[]> {
  const narrowed = requested !== undefined && requested.length > 0;
  const subjectMay = new Set(
    subject.kind === 'user'
      ? await services.roles.scopesGrantedToUser(realm.id, subject.user.id, target.id)
      : await services.cache.grantedScopes(realm.id, subject.application.id, target.id),
  );
  const clientMay = new Set(await services.cache.grantedScopes(realm.id, client.id, target.id));
  if (subject.kind === 'user' && signsUsersIn(client)) for (const scope of subjectMay) clientMay.add(scope);

  const scopes = [...new Set(claims.scope.split(' ').filter(Boolean))].filter(
    (scope) => clientMay.has(scope) && subjectMay.has(scope) && (!narrowed || requested.includes(scope)),
  );
  if (scopes.length === 0) {
    throw new OAuthError(
      'invalid_scope',
      narrowed
        ? 'None of the requested scopes is both in the subject_token and grantable to this client for the target'
        : 'The subject_token holds no scope that this client may obtain for the target',
    );
  }
  return scopes;
}

function signsUsersIn(client: Application): boolean {
  return client.grantTypes.includes('authorization_code');
}

/** The audit entry of an exchange: the requesting client as actor, the subject as target; never a token. */
function auditEvent(
  { realm, client, request }: Context,
  facts: Facts,
  action: (typeof TOKEN_EXCHANGE_AUDIT_ACTIONS)[keyof typeof TOKEN_EXCHANGE_AUDIT_ACTIONS],
  status: number,
  reason?: string,
) {
  const details: AuditDetails = {};
  const subject = facts.subject;
  if (subject) {
    details.subject_sub = subject.claims.sub;
    details.subject_client_id = subject.claims.client_id;
    const prior = priorActors(subject.claims.act);
    if (prior.length > 0) details.prior_actors = prior;
  }
  if (facts.actor !== undefined) details.actor = facts.actor;
  if (facts.audience !== undefined) details.audience = facts.audience;
  if (facts.scope !== undefined) details.scope = facts.scope;
  if (reason !== undefined) details.reason = reason;
  const target = !subject
    ? { type: 'token', id: null }
    : subject.subject.kind === 'user'
      ? { type: 'user', id: subject.subject.user.id }
      : { type: 'application', id: subject.subject.application.id };
  return {
    realm,
    action,
    application: { id: client.id, clientId: client.clientId },
    target,
    ip: request.ip,
    userAgent: request.userAgent,
    request: { id: request.id, method: request.method, path: request.path },
    status,
    details,
  };
}

/** The subjects of an `act` chain, outermost (latest) first. */
function priorActors(act: Actor | undefined): string[] {
  const subs: string[] = [];
  for (let current = act; current && typeof current.sub === 'string'; current = current.act) subs.push(current.sub);
  return subs;
}
