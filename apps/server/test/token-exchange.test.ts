import { randomBytes } from 'node:crypto';
import {
  ACCESS_TOKEN_TYPE_URN,
  JWT_TOKEN_TYPE_URN,
  TOKEN_EXCHANGE_AUDIT_ACTIONS,
  TOKEN_EXCHANGE_GRANT_TYPE,
} from '@realmkit/contract';
import * as DPoP from 'dpop';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CookieJar, type SignInRealm, signInForTokens, signInRealm, startSignInServer } from './support/sign-in.ts';
import type { ClientCredentials, TestServer } from './support/test-server.ts';

/**
 * Token exchange (RFC 8693) through the real token endpoint: services exchange a user's token (from
 * a real sign-in) and an application's token for narrower ones whose `act` names them; the rules
 * that keep the result narrower (scopes, target, expiry, may_act, key binding); the tokens working
 * (and not working) on the Management API and at introspection; and the audit log.
 */
let server: TestServer;
let setup: SignInRealm;
let realm: { id: string; name: string };
let issuer: string;
let management: { id: string; indicator: string };
/** A second API whose scope is named like a Management API scope: scopes are compared by name. */
let search: { id: string; indicator: string };
/** The application whose own token gets exchanged (Management API: users:read roles:read). */
let orders: Client;
/** The exchanging service: users:read roles:read on the Management API, read:posts write:posts on the API, users:read on search. */
let billing: Client;
/** A second exchanging service (users:read on the Management API): nests `act`. */
let mailer: Client;

type Client = ClientCredentials & { applicationId: string };

const basic = (client: ClientCredentials) =>
  `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;

const api = () => `/api/v1/${realm.name}`;

beforeAll(async () => {
  server = await startSignInServer();
  setup = await signInRealm(server, 'tx');
  realm = setup.realm;
  issuer = `${server.url}/oauth2/${realm.name}`;
  const token = setup.admin;
  const resources = await server.expectCall(200, 'GET', `${api()}/resources?per_page=100`, { token });
  const managementId = resources.find((r: { is_management_api: boolean }) => r.is_management_api).id;
  // Its indicator is this server's URL for the realm (the listing shows the row's, which servers share).
  management = { id: managementId, indicator: server.services.issuers.managementAudienceOf(realm.name) };
  search = await server.expectCall(201, 'POST', `${api()}/resources`, {
    token,
    json: { name: 'Search', indicator: `https://search.${randomBytes(3).toString('hex')}.example` },
  });
  await server.expectCall(201, 'POST', `${api()}/resources/${search.id}/scopes`, {
    token,
    json: { name: 'users:read' },
  });
  // The user may also write posts: a token of theirs then holds both API scopes.
  await grantRole({ user: setup.user.id }, setup.api.id, ['write:posts']);

  orders = await server.createRealmClient(realm.name, ['users:read', 'roles:read']);
  billing = await server.createRealmClient(realm.name, ['users:read', 'roles:read']);
  await grantRole({ application: billing.applicationId }, setup.api.id, ['read:posts', 'write:posts']);
  await grantRole({ application: billing.applicationId }, search.id, ['users:read']);
  mailer = await server.createRealmClient(realm.name, ['users:read']);
  for (const client of [billing, mailer]) await allowExchange(client.applicationId);
});
afterAll(() => server?.close());

/** A new role holding `scopes` of the resource, assigned to the user or the application. */
async function grantRole(to: { user: string } | { application: string }, resourceId: string, scopes: string[]) {
  const token = setup.admin;
  const all = await server.expectCall(200, 'GET', `${api()}/resources/${resourceId}/scopes?per_page=100`, { token });
  const scopeIds = all.filter((s: { name: string }) => scopes.includes(s.name)).map((s: { id: string }) => s.id);
  const role = await server.expectCall(201, 'POST', `${api()}/roles`, {
    token,
    json: { name: `role-${randomBytes(4).toString('hex')}` },
  });
  await server.expectCall(204, 'POST', `${api()}/roles/${role.id}/scopes`, { token, json: { scope_ids: scopeIds } });
  const holder = 'user' in to ? `users/${to.user}` : `applications/${to.application}`;
  await server.expectCall(204, 'POST', `${api()}/${holder}/roles`, { token, json: { role_ids: [role.id] } });
}

/** Adds token exchange to the application's grants (it is never there by default). */
async function allowExchange(applicationId: string) {
  const path = `${api()}/applications/${applicationId}`;
  const app = await server.expectCall(200, 'GET', path, { token: setup.admin });
  await server.expectCall(200, 'PATCH', path, {
    token: setup.admin,
    json: { grant_types: [...app.grant_types, TOKEN_EXCHANGE_GRANT_TYPE] },
  });
}

/** The token endpoint's answer to `client` exchanging `subjectToken` (client_secret_basic). */
function exchange(
  client: ClientCredentials,
  subjectToken: string,
  form: Record<string, string> = {},
  realmName = realm.name,
) {
  return server.call('POST', `/oauth2/${realmName}/token`, {
    form: {
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE_URN,
      ...form,
    },
    headers: { authorization: basic(client) },
  });
}

/** The exchanged access token; fails the test if the exchange is refused. */
async function exchanged(client: ClientCredentials, subjectToken: string, form: Record<string, string> = {}) {
  const response = await exchange(client, subjectToken, form);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.access_token as string;
}

async function expectRefused(
  response: Awaited<ReturnType<typeof exchange>>,
  error: string,
  description: RegExp | string = /./,
) {
  expect(response.status, JSON.stringify(response.body)).toBe(error === 'invalid_client' ? 401 : 400);
  expect(response.body).toMatchObject({ error, error_description: expect.stringMatching(description) });
}

/** The user's access token for the posts API, from a sign-in through the login page. */
async function userToken(scope = 'read:posts write:posts'): Promise<string> {
  const tokens = await signInForTokens(
    server,
    setup,
    new CookieJar(),
    { identifier: setup.user.email, password: setup.user.password },
    (challenge) =>
      `${issuer}/authorize?${new URLSearchParams({
        client_id: setup.spa.clientId,
        redirect_uri: setup.spa.redirectUri,
        response_type: 'code',
        scope,
        resource: setup.api.indicator,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })}`,
  );
  return tokens.access_token;
}

/** A token the realm's own key signs with claims Realmkit issues nowhere yet (`may_act`, `cnf`). */
function signedByTheRealm(claims: Parameters<TestServer['services']['accessTokens']['issue']>[0]['claims']) {
  return server.services.accessTokens.issue({
    realm,
    clientId: orders.clientId,
    audience: management.indicator,
    scopes: ['users:read'],
    ttlSeconds: 300,
    claims,
  });
}

function introspect(token: string, as: ClientCredentials) {
  return server.call('POST', `/oauth2/${realm.name}/introspect`, {
    form: { token },
    headers: { authorization: basic(as) },
  });
}

describe('token exchange (RFC 8693)', () => {
  it("exchanges a user's token, through openid-client, for a narrower one whose act names the service", async () => {
    const subject = await userToken();
    const subjectClaims = decodeJwt(subject);
    expect(String(subjectClaims.scope).split(' ').sort()).toEqual(['read:posts', 'write:posts']);

    const config = await oidc.discovery(new URL(issuer), billing.clientId, billing.clientSecret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    expect(config.serverMetadata().grant_types_supported).toContain(TOKEN_EXCHANGE_GRANT_TYPE);
    const answer = await oidc.genericGrantRequest(config, TOKEN_EXCHANGE_GRANT_TYPE, {
      subject_token: subject,
      subject_token_type: ACCESS_TOKEN_TYPE_URN,
      scope: 'read:posts',
    });
    expect(answer).toMatchObject({ issued_token_type: ACCESS_TOKEN_TYPE_URN, scope: 'read:posts' });
    expect(answer.token_type.toLowerCase()).toBe('bearer');
    expect(answer.refresh_token).toBeUndefined();

    const { payload } = await jwtVerify(answer.access_token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), {
      issuer,
      audience: setup.api.indicator,
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({
      sub: setup.user.id,
      client_id: billing.clientId,
      scope: 'read:posts',
      act: { sub: billing.clientId },
    });
    expect(payload.exp).toBeLessThanOrEqual(subjectClaims.exp as number);
    expect(answer.expires_in).toBe((payload.exp as number) - (payload.iat as number));

    // Introspection says who acts for whom.
    const introspected = await introspect(answer.access_token, mailer);
    expect(introspected.body).toMatchObject({
      active: true,
      sub: setup.user.id,
      client_id: billing.clientId,
      act: { sub: billing.clientId },
    });
  });

  it("exchanges an application's token for one that works on the Management API with the narrowed scopes only", async () => {
    const subject = await server.token(realm.name, orders);
    const token = await exchanged(billing, subject, { scope: 'users:read' });
    expect(decodeJwt(token)).toMatchObject({
      sub: orders.clientId,
      client_id: billing.clientId,
      aud: management.indicator,
      scope: 'users:read',
      act: { sub: billing.clientId },
    });
    // Not taken for a user's token: its subject is the orders application.
    await server.expectCall(200, 'GET', `${api()}/users`, { token });
    const lost = await server.call('GET', `${api()}/roles`, { token });
    expect(lost.status).toBe(403);
    expect(lost.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect((await introspect(token, mailer)).body).toMatchObject({
      active: true,
      sub: orders.clientId,
      client_id: billing.clientId,
      act: { sub: billing.clientId },
    });
  });

  it('nests act when an exchanged token is exchanged again, and the chain is in the audit log', async () => {
    const first = await exchanged(billing, await server.token(realm.name, orders));
    const secondAnswer = await exchange(mailer, first, { subject_token_type: JWT_TOKEN_TYPE_URN });
    expect(secondAnswer.status, JSON.stringify(secondAnswer.body)).toBe(200);
    const second = secondAnswer.body.access_token;
    // mailer holds users:read only: roles:read, in the subject token, is not passed on.
    expect(decodeJwt(second)).toMatchObject({
      sub: orders.clientId,
      client_id: mailer.clientId,
      scope: 'users:read',
      act: { sub: mailer.clientId, act: { sub: billing.clientId } },
    });
    await server.expectCall(200, 'GET', `${api()}/users`, { token: second });

    const entries = await server.expectCall(
      200,
      'GET',
      `${api()}/audit-logs?action=${TOKEN_EXCHANGE_AUDIT_ACTIONS.exchanged}&actor=${mailer.clientId}`,
      { token: setup.admin },
    );
    expect(entries[0]).toMatchObject({
      action: TOKEN_EXCHANGE_AUDIT_ACTIONS.exchanged,
      outcome: 'success',
      status: 200,
      actor: { type: 'application', user_id: null, client_id: mailer.clientId, application_id: mailer.applicationId },
      target: { type: 'application', id: orders.applicationId },
      request: { method: 'POST', path: `/oauth2/${realm.name}/token` },
      details: {
        subject_sub: orders.clientId,
        subject_client_id: billing.clientId,
        actor: mailer.clientId,
        prior_actors: [billing.clientId],
        audience: management.indicator,
        scope: 'users:read',
      },
    });
    // Nothing secret: no token in the entry.
    expect(JSON.stringify(entries[0])).not.toContain(first);
    expect(JSON.stringify(entries[0])).not.toContain(second);
  });

  it("records a user's exchange with the user as target, and a refusal once the client authenticated", async () => {
    await exchanged(billing, await userToken('read:posts'));
    const [entry] = await server.expectCall(
      200,
      'GET',
      `${api()}/audit-logs?action=${TOKEN_EXCHANGE_AUDIT_ACTIONS.exchanged}&target_id=${setup.user.id}`,
      { token: setup.admin },
    );
    expect(entry).toMatchObject({
      target: { type: 'user', id: setup.user.id },
      details: { subject_sub: setup.user.id, subject_client_id: setup.spa.clientId, actor: billing.clientId },
    });

    await expectRefused(await exchange(billing, 'not-a-token'), 'invalid_grant');
    // Refusals are written after the answer: they are there within moments.
    const failed = await vi.waitFor(
      async () => {
        const found = await server.expectCall(
          200,
          'GET',
          `${api()}/audit-logs?action=${TOKEN_EXCHANGE_AUDIT_ACTIONS.failed}&actor=${billing.clientId}`,
          { token: setup.admin },
        );
        expect(found.length).toBeGreaterThan(0);
        return found;
      },
      { timeout: 5000, interval: 100 },
    );
    expect(failed[0]).toMatchObject({
      outcome: 'failure',
      status: 400,
      target: { type: 'token', id: null },
      details: { reason: 'invalid_grant' },
    });
  });

  it('never widens scopes: the subject token, the requesting client and the subject each bound them', async () => {
    const narrow = await server.token(realm.name, orders, 'users:read');
    // The subject token holds users:read only: roles:read, though billing may have it, is not added.
    const answer = await exchange(billing, narrow, { scope: 'users:read roles:read' });
    expect(answer.body).toMatchObject({ scope: 'users:read' });
    expect(decodeJwt(answer.body.access_token).scope).toBe('users:read');
    await expectRefused(await exchange(billing, narrow, { scope: 'roles:read' }), 'invalid_scope');
    // A scope the subject token holds but the requesting client's roles do not: dropped, or refused alone.
    const wide = await server.token(realm.name, orders);
    expect(decodeJwt(await exchanged(mailer, wide)).scope).toBe('users:read');
    await expectRefused(await exchange(mailer, wide, { scope: 'roles:read' }), 'invalid_scope');
    // Another resource with a scope of the same name: billing holds it there, but orders does not.
    await expectRefused(await exchange(billing, narrow, { audience: search.indicator }), 'invalid_scope');
    // A malformed scope.
    await expectRefused(await exchange(billing, narrow, { scope: 'users:read "x"' }), 'invalid_scope');
  });

  it("targets the subject token's resource by default, or a resource of the realm named by resource or audience", async () => {
    const user = await userToken('read:posts');
    expect(decodeJwt(await exchanged(billing, user)).aud).toBe(setup.api.indicator);
    expect(decodeJwt(await exchanged(billing, user, { resource: setup.api.indicator })).aud).toBe(setup.api.indicator);
    await expectRefused(await exchange(billing, user, { audience: 'https://nowhere.example' }), 'invalid_target');
    await expectRefused(
      await exchange(billing, user, { resource: setup.api.indicator, audience: management.indicator }),
      'invalid_target',
    );
    // A token for the userinfo endpoint has no resource to default to.
    const userinfoToken = (
      await signInForTokens(
        server,
        setup,
        new CookieJar(),
        { identifier: setup.user.email, password: setup.user.password },
        (challenge) =>
          `${issuer}/authorize?${new URLSearchParams({
            client_id: setup.spa.clientId,
            redirect_uri: setup.spa.redirectUri,
            response_type: 'code',
            scope: 'openid',
            code_challenge: challenge,
            code_challenge_method: 'S256',
          })}`,
      )
    ).access_token;
    await expectRefused(await exchange(billing, userinfoToken), 'invalid_target', /userinfo/);
  });

  it("cannot cross realms: another realm's token is invalid_grant", async () => {
    const other = await server.createRealm(setup.admin, 'tx-other');
    const stranger = await server.createRealmClient(other.name, ['users:read']);
    const foreign = await server.token(other.name, stranger);
    await expectRefused(await exchange(billing, foreign), 'invalid_grant', /not a valid access token of this realm/);
    // And billing is nobody in the other realm.
    await expectRefused(await exchange(billing, foreign, {}, other.name), 'invalid_client');
  });

  it('refuses revoked and expired subject tokens, and those of a suspended user or a deleted application', async () => {
    const revoked = await server.token(realm.name, orders);
    const revocation = await server.call('POST', `/oauth2/${realm.name}/revoke`, {
      form: { token: revoked },
      headers: { authorization: basic(orders) },
    });
    expect(revocation.status).toBe(200);
    await expectRefused(await exchange(billing, revoked), 'invalid_grant', /revoked/);

    // Signed by the realm's key, issued long enough ago to have expired.
    const expired = await server.services.accessTokens.issue({
      realm,
      clientId: orders.clientId,
      audience: management.indicator,
      scopes: ['users:read'],
      ttlSeconds: 60,
      issuedAt: Math.floor(Date.now() / 1000) - 3600,
    });
    await expectRefused(await exchange(billing, expired), 'invalid_grant', /expired/);

    const user = await userToken('read:posts');
    const suspend = (is_suspended: boolean) =>
      server.expectCall(200, 'PATCH', `${api()}/users/${setup.user.id}/is-suspended`, {
        token: setup.admin,
        json: { is_suspended },
      });
    await suspend(true);
    try {
      await expectRefused(await exchange(billing, user), 'invalid_grant', /suspended/);
    } finally {
      await suspend(false);
    }

    const doomed = await server.createRealmClient(realm.name, ['users:read']);
    const doomedToken = await server.token(realm.name, doomed);
    const exchangedBefore = await exchanged(billing, doomedToken);
    await server.expectCall(204, 'DELETE', `${api()}/applications/${doomed.applicationId}`, { token: setup.admin });
    await expectRefused(await exchange(billing, doomedToken), 'invalid_grant', /no longer exists/);
    // The token it was exchanged for dies with it, though its own client still exists.
    expect((await server.call('GET', `${api()}/users`, { token: exchangedBefore })).status).toBe(401);
    expect((await introspect(exchangedBefore, mailer)).body).toEqual({ active: false });
  });

  it('never outlives the subject token', async () => {
    const shortLived = await server.services.accessTokens.issue({
      realm,
      clientId: orders.clientId,
      audience: management.indicator,
      scopes: ['users:read'],
      ttlSeconds: 60,
    });
    const answer = await exchange(billing, shortLived);
    expect(answer.status).toBe(200);
    expect(answer.body.expires_in).toBeLessThanOrEqual(60);
    expect(decodeJwt(answer.body.access_token).exp).toBeLessThanOrEqual(decodeJwt(shortLived).exp as number);
  });

  it('is only for applications whose grant_types name it: off by default, unauthorized_client otherwise', async () => {
    const fresh = await server.createRealmClient(realm.name, ['users:read']);
    const app = await server.expectCall(200, 'GET', `${api()}/applications/${fresh.applicationId}`, {
      token: setup.admin,
    });
    expect(app.grant_types).not.toContain(TOKEN_EXCHANGE_GRANT_TYPE);
    await expectRefused(
      await exchange(fresh, await server.token(realm.name, orders)),
      'unauthorized_client',
      TOKEN_EXCHANGE_GRANT_TYPE,
    );
  });

  it('enforces may_act: only the actor it names may exchange the token', async () => {
    const forMailer = await signedByTheRealm({ may_act: { sub: mailer.clientId } });
    await expectRefused(await exchange(billing, forMailer), 'invalid_grant', /may_act/);
    expect(decodeJwt(await exchanged(mailer, forMailer)).act).toEqual({ sub: mailer.clientId });
    const otherIssuer = await signedByTheRealm({ may_act: { sub: mailer.clientId, iss: 'https://elsewhere.example' } });
    await expectRefused(await exchange(mailer, otherIssuer), 'invalid_grant', /may_act/);
  });

  it('refuses a subject token bound to a DPoP key when the request proves no such key', async () => {
    const bound = await signedByTheRealm({ cnf: { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' } });
    await expectRefused(await exchange(billing, bound), 'invalid_grant', /bound to a key/);
  });

  it('exchanges a DPoP-bound token only with a proof of its key, and binds the new token to it (RFC 9449 §5)', async () => {
    const tokenUrl = `${issuer}/token`;
    const key = await DPoP.generateKeyPair('ES256');
    const proofed = async (form: Record<string, string>, keyPair: DPoP.KeyPair) =>
      server.call('POST', `/oauth2/${realm.name}/token`, {
        form,
        headers: { authorization: basic(mailer), dpop: await DPoP.generateProof(keyPair, tokenUrl, 'POST') },
      });
    const own = await proofed({ grant_type: 'client_credentials', scope: 'users:read' }, key);
    expect(own.body.token_type).toBe('DPoP');
    const request = {
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: own.body.access_token,
      subject_token_type: ACCESS_TOKEN_TYPE_URN,
    };
    await expectRefused(await exchange(mailer, own.body.access_token), 'invalid_grant', /bound to a key/);
    await expectRefused(await proofed(request, await DPoP.generateKeyPair('ES256')), 'invalid_grant', /bound to a key/);
    const answer = await proofed(request, key);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.token_type).toBe('DPoP');
    expect(decodeJwt(answer.body.access_token).cnf).toEqual({ jkt: await DPoP.calculateThumbprint(key.publicKey) });
  });

  it("names the actor token's subject in act: a token the requesting client holds, and only that", async () => {
    const subject = await server.token(realm.name, orders);
    const own = await server.token(realm.name, billing);
    const withActor = await exchanged(billing, subject, { actor_token: own, actor_token_type: ACCESS_TOKEN_TYPE_URN });
    expect(decodeJwt(withActor).act).toEqual({ sub: billing.clientId });
    // The actor token bounds the expiry too.
    expect(decodeJwt(withActor).exp).toBeLessThanOrEqual(decodeJwt(own).exp as number);

    const someoneElses = await server.token(realm.name, mailer);
    await expectRefused(
      await exchange(billing, subject, { actor_token: someoneElses, actor_token_type: ACCESS_TOKEN_TYPE_URN }),
      'invalid_grant',
      /another client/,
    );
    await expectRefused(await exchange(billing, subject, { actor_token: own }), 'invalid_request', /actor_token_type/);
    await expectRefused(
      await exchange(billing, subject, { actor_token_type: ACCESS_TOKEN_TYPE_URN }),
      'invalid_request',
      /without actor_token/,
    );
  });

  it('refuses malformed requests with invalid_request', async () => {
    const subject = await server.token(realm.name, orders);
    await expectRefused(await exchange(billing, ''), 'invalid_request', /subject_token/);
    await expectRefused(
      await exchange(billing, subject, { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }),
      'invalid_request',
      /subject_token_type/,
    );
    await expectRefused(
      await exchange(billing, subject, { requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }),
      'invalid_request',
      /requested/,
    );
    const missingType = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: TOKEN_EXCHANGE_GRANT_TYPE, subject_token: subject },
      headers: { authorization: basic(billing) },
    });
    await expectRefused(missingType, 'invalid_request', /subject_token_type/);
  });

  it("lets an application that signs users in exchange a user's token within the user's roles, not an application's", async () => {
    const web = { clientId: setup.web.clientId, clientSecret: setup.web.clientSecret };
    const apps = await server.expectCall(200, 'GET', `${api()}/applications?search=${setup.web.clientId}`, {
      token: setup.admin,
    });
    await allowExchange(apps[0].id);
    const token = await exchanged(web, await userToken(), { scope: 'write:posts' });
    expect(decodeJwt(token)).toMatchObject({ sub: setup.user.id, client_id: web.clientId, scope: 'write:posts' });
    await expectRefused(await exchange(web, await server.token(realm.name, orders)), 'invalid_scope');
  });
});
