import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, type SignInRealm, signInRealm, startSignInServer, submitLogin } from './support/sign-in.ts';
import type { TestServer } from './support/test-server.ts';

/**
 * The whole sign-in with openid-client, a certified OpenID Connect relying party, against a running
 * server: discovery, authorization code with PKCE, state and nonce, the ID token and userinfo, a
 * resource's access token, refresh with rotation, revocation and RP-initiated logout.
 */
let server: TestServer;
let setup: SignInRealm;
let issuer: string;

beforeAll(async () => {
  server = await startSignInServer();
  setup = await signInRealm(server, 'rp');
  issuer = `${server.url}/oauth2/${setup.realm.name}`;
});
afterAll(() => server?.close());

const insecure = { execute: [oidc.allowInsecureRequests] };

function webClient(): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), setup.web.clientId, setup.web.clientSecret, undefined, insecure);
}

/** Signs the user in through the login page for `config`; returns the tokens and the browser. */
async function signIn(
  config: oidc.Configuration,
  redirectUri: string,
  params: Record<string, string> = {},
  jar = new CookieJar(),
) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  const answer = await submitLogin(jar, server.url, url.href, {
    identifier: setup.user.email,
    password: setup.user.password,
  });
  expect(answer.status).toBe(303);
  const callback = new URL(answer.headers.get('location') as string);
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  return { tokens, jar, callback, nonce };
}

describe('sign-in with openid-client', () => {
  it('discovers the realm as an OpenID provider with every endpoint and capability', async () => {
    const metadata = (await webClient()).serverMetadata();
    expect(metadata.issuer).toBe(issuer);
    expect(metadata).toMatchObject({
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      end_session_endpoint: `${issuer}/logout`,
      revocation_endpoint: `${issuer}/revoke`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(metadata.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(['sub', 'email', 'email_verified', 'auth_time']));
  });

  it('signs a user in to a traditional application: ID token, userinfo, access token, refresh token', async () => {
    const config = await webClient();
    const { tokens, callback, nonce } = await signIn(config, setup.web.redirectUri);
    expect(callback.searchParams.get('iss')).toBe(issuer);

    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: issuer,
      sub: setup.user.id,
      aud: setup.web.clientId,
      nonce,
      email: setup.user.email,
      email_verified: true,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      preferred_username: setup.user.username,
    });
    expect(typeof claims?.auth_time).toBe('number');
    expect(typeof claims?.sid).toBe('string');
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'offline_access', 'openid', 'profile']);
    expect(tokens.refresh_token).toBeTruthy();

    // The access token is an RFC 9068 JWT for the userinfo endpoint, verified with the JWKS.
    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer,
      audience: `${issuer}/userinfo`,
      typ: 'at+jwt',
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ sub: setup.user.id, client_id: setup.web.clientId });

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, setup.user.id);
    expect(userinfo).toMatchObject({
      sub: setup.user.id,
      email: setup.user.email,
      email_verified: true,
      name: 'Ada Lovelace',
      preferred_username: setup.user.username,
    });

    const introspection = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(introspection).toMatchObject({ active: true, sub: setup.user.id, client_id: setup.web.clientId });
  });

  it('rotates refresh tokens, and a reused one revokes the whole family (RFC 9700 §4.14)', async () => {
    const config = await webClient();
    const { tokens } = await signIn(config, setup.web.redirectUri);
    const first = tokens.refresh_token as string;

    const refreshed = await oidc.refreshTokenGrant(config, first);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(first);
    expect(decodeJwt(refreshed.id_token as string).sub).toBe(setup.user.id);
    const second = refreshed.refresh_token as string;

    // The first token again: refused, and the family with it, so the second stops working too.
    await expect(oidc.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(config, second)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('narrows a refresh to fewer scopes, never more', async () => {
    const config = await webClient();
    const { tokens } = await signIn(config, setup.web.redirectUri);
    const narrowed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string, { scope: 'openid email' });
    expect(narrowed.scope?.split(' ').sort()).toEqual(['email', 'openid']);
    await expect(
      oidc.refreshTokenGrant(config, narrowed.refresh_token as string, { scope: 'openid write:everything' }),
    ).rejects.toMatchObject({ error: 'invalid_scope' });
  });

  it("gives a resource's access token the scopes the user's roles hold there (RFC 8707)", async () => {
    const config = await webClient();
    const { tokens } = await signIn(config, setup.web.redirectUri, {
      resource: setup.api.indicator,
      scope: 'openid offline_access read:posts write:posts',
    });
    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer, audience: setup.api.indicator });
    // The role holds read:posts only: write:posts was asked for and not granted.
    expect(payload).toMatchObject({ sub: setup.user.id, client_id: setup.web.clientId, scope: 'read:posts' });
    expect(tokens.scope?.split(' ').sort()).toEqual(['offline_access', 'openid', 'read:posts']);
    // Refreshed, it stays a token for the same resource.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ aud: setup.api.indicator, scope: 'read:posts' });
  });

  it('signs a public spa client in with PKCE and no secret', async () => {
    const config = await oidc.discovery(new URL(issuer), setup.spa.clientId, undefined, oidc.None(), insecure);
    const { tokens } = await signIn(config, setup.spa.redirectUri);
    expect(tokens.claims()?.aud).toBe(setup.spa.clientId);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.access_token).toBeTruthy();
  });

  it('revokes refresh and access tokens (RFC 7009)', async () => {
    const config = await webClient();
    const { tokens } = await signIn(config, setup.web.redirectUri);
    await oidc.tokenRevocation(config, tokens.access_token);
    await expect(oidc.fetchUserInfo(config, tokens.access_token, setup.user.id)).rejects.toMatchObject({
      status: 401,
    });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);

    await oidc.tokenRevocation(config, tokens.refresh_token as string, { token_type_hint: 'refresh_token' });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('logs out through the end-session endpoint to a registered post-logout URI, ending the session', async () => {
    const config = await webClient();
    const { tokens, jar } = await signIn(config, setup.web.redirectUri);
    const logout = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: setup.web.postLogoutRedirectUri,
      state: 'bye',
    });
    const answer = await jar.fetch(logout.href);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(`${setup.web.postLogoutRedirectUri}?state=bye`);
    expect(jar.cookies.has('rk_session')).toBe(false);

    // The session is gone: prompt=none now answers login_required.
    const verifier = oidc.randomPKCECodeVerifier();
    const again = oidc.buildAuthorizationUrl(config, {
      redirect_uri: setup.web.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      prompt: 'none',
    });
    const silent = await jar.fetch(again.href);
    expect(new URL(silent.headers.get('location') as string).searchParams.get('error')).toBe('login_required');
  });
});
