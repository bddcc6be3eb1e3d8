import { createPublicKey, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { base64url, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ISSUER_URL } from './support/constants.ts';
import { type ClientCredentials, startWithRealms, type TestRealm, type TestServer } from './support/test-server.ts';

/**
 * Forged and tampered access tokens against the Management API's bearer check and against
 * introspection: every one is refused (401 `invalid_token`, `{ active: false }`). The forgeries
 * are made with the realm's real private key wherever the attack allows it, so that only the
 * one thing being tested is wrong; a control token made the same way is accepted.
 */
let server: TestServer;
let realm: TestRealm;
let otherRealm: TestRealm;
let client: ClientCredentials & { applicationId: string };

const now = () => Math.floor(Date.now() / 1000);
const issuerOf = (name: string) => `${TEST_ISSUER_URL}/oauth2/${name}`;
const audienceOf = (name: string) => `${TEST_ISSUER_URL}/api/v1/${name}`;

beforeAll(async () => {
  ({ server, realm, otherRealm } = await startWithRealms('jwt-attacks'));
  client = await server.createRealmClient(realm.name, ['users:read']);
});
afterAll(() => server?.close());

interface ForgeOptions {
  header?: Record<string, unknown>;
  claims?: JWTPayload;
  /** Default: the realm's real active key. */
  key?: KeyObject | Uint8Array;
}

async function realKeyOf(target: TestRealm) {
  return server.services.signingKeys.activeKey(target.id);
}

/** The claims Realmkit would put in a Management API token of `client`, then `claims` over them. */
function claimsOf(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: issuerOf(realm.name),
    sub: client.clientId,
    aud: audienceOf(realm.name),
    iat: now(),
    exp: now() + 300,
    jti: randomUUID(),
    client_id: client.clientId,
    scope: 'users:read',
    ...overrides,
  };
}

async function forge(options: ForgeOptions = {}): Promise<string> {
  const real = await realKeyOf(realm);
  const header = { alg: real.algorithm, typ: 'at+jwt', kid: real.kid, ...options.header };
  return new SignJWT(claimsOf(options.claims))
    .setProtectedHeader(header as { alg: string })
    .sign(options.key ?? real.privateKey);
}

/** `alg: none`: a header and claims with an empty signature (RFC 7519 §6), in any spelling of none. */
async function unsecured(alg: string): Promise<string> {
  const { kid } = await realKeyOf(realm);
  const encode = (value: object) => base64url.encode(JSON.stringify(value));
  return `${encode({ alg, typ: 'at+jwt', kid })}.${encode(claimsOf())}.`;
}

async function publicPemOf(target: TestRealm): Promise<string> {
  const { keys } = await server.services.signingKeys.jwks(target.id);
  return createPublicKey({ key: keys[0] as never, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

const strangerKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

const attacks: Record<string, () => Promise<string>> = {
  'alg: none': () => unsecured('none'),
  'alg: None': () => unsecured('None'),
  'alg: NONE': () => unsecured('NONE'),
  'HS256 signed with the public key (PEM) as the HMAC secret': async () =>
    forge({ header: { alg: 'HS256' }, key: new TextEncoder().encode(await publicPemOf(realm)) }),
  'HS256 signed with the public JWK as the HMAC secret': async () => {
    const { keys } = await server.services.signingKeys.jwks(realm.id);
    return forge({ header: { alg: 'HS256' }, key: new TextEncoder().encode(JSON.stringify(keys[0])) });
  },
  'an unknown kid': () => forge({ header: { kid: 'no-such-kid' }, key: strangerKey() }),
  "the realm's kid on a stranger's signature": () => forge({ key: strangerKey() }),
  'a token with its signature stripped': async () => `${(await forge()).split('.').slice(0, 2).join('.')}.`,
  'a tampered payload (scope widened) under the original signature': async () => {
    const [header, , signature] = (await forge()).split('.');
    return `${header}.${base64url.encode(JSON.stringify(claimsOf({ scope: 'users:read users:write' })))}.${signature}`;
  },
  expired: () => forge({ claims: { iat: now() - 600, exp: now() - 60 } }),
  'not yet valid (nbf in the future)': () => forge({ claims: { nbf: now() + 600 } }),
  'issued in the future (iat beyond the leeway)': () => forge({ claims: { iat: now() + 600, exp: now() + 900 } }),
  "wrong iss (another realm's issuer, signed with this realm's key)": () =>
    forge({ claims: { iss: issuerOf(otherRealm.name) } }),
  'wrong iss (another server)': () => forge({ claims: { iss: `https://evil.example/oauth2/${realm.name}` } }),
  "wrong aud (another realm's Management API)": () => forge({ claims: { aud: audienceOf(otherRealm.name) } }),
  'wrong aud (an API that is not a resource of the realm)': () => forge({ claims: { aud: 'https://evil.example' } }),
  "signed by another realm's key": async () => {
    const other = await realKeyOf(otherRealm);
    return forge({ header: { alg: other.algorithm, kid: other.kid }, key: other.privateKey });
  },
  'typ JWT instead of at+jwt': () => forge({ header: { typ: 'JWT' } }),
  'no client_id': () => forge({ claims: { client_id: undefined } }),
  'a client_id that no application has': () => forge({ claims: { client_id: 'ghost-client', sub: 'ghost-client' } }),
};

async function bearerStatus(token: string) {
  const response = await server.call('GET', `/api/v1/${realm.name}/users`, { token });
  if (response.status === 401) {
    expect(response.body.error).toBe('invalid_token');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="realmkit", error="invalid_token"/);
  }
  return response.status;
}

async function introspection(token: string) {
  const response = await server.call('POST', `/oauth2/${realm.name}/introspect`, {
    form: { token, client_id: client.clientId, client_secret: client.clientSecret },
  });
  expect(response.status).toBe(200);
  return response.body;
}

describe('JWT attacks', () => {
  it('control: a token forged with the real key and the right claims is accepted (so the refusals below mean something)', async () => {
    const token = await forge();
    expect(await bearerStatus(token)).toBe(200);
    expect(await introspection(token)).toMatchObject({ active: true, client_id: client.clientId });
  });

  it.each(Object.keys(attacks))('%s: 401 at the Management API, inactive at introspection', async (name) => {
    const token = await (attacks[name] as () => Promise<string>)();
    expect(await bearerStatus(token)).toBe(401);
    expect(await introspection(token)).toEqual({ active: false });
  });

  it("a deleted application's token, after its secret rotation: 401 and inactive", async () => {
    const doomed = await server.createRealmClient(realm.name, ['users:read']);
    const token = await server.token(realm.name, doomed);
    const rotated = await server.expectCall(
      200,
      'POST',
      `/api/v1/${realm.name}/applications/${doomed.applicationId}/secret`,
      {
        token: await server.masterToken(),
      },
    );
    expect(rotated.client_secret).not.toBe(doomed.clientSecret);
    // A rotation alone does not revoke tokens already issued (as with Auth0 and Keycloak)...
    expect(await bearerStatus(token)).toBe(200);
    expect((await introspection(token)).active).toBe(true);

    await server.expectCall(204, 'DELETE', `/api/v1/${realm.name}/applications/${doomed.applicationId}`, {
      token: await server.masterToken(),
    });
    // ...deleting the application does: its tokens die with it.
    expect(await bearerStatus(token)).toBe(401);
    expect(await introspection(token)).toEqual({ active: false });
  });
});

/**
 * What a refusal says (issue 23): the claim or header at fault, what the token says, what was
 * expected; never jose's error code. The same words in `WWW-Authenticate`'s error_description
 * (RFC 6750 §3), which holds printable ASCII but `"` and `\`.
 */
describe('refusals say which claim, and what was expected', () => {
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
  // RFC 6750 §3's error_description characters: %x20-21 / %x23-5B / %x5D-7E.
  const asciiDescription = (text: string) => text.replace(/"/g, "'").replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?');
  const managementApi = () => `the Management API of realm ${realm.name} (${audienceOf(realm.name)})`;

  async function refusal(token: string, path = `/api/v1/${realm.name}/users`) {
    const response = await server.call('GET', path, { token });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_token');
    const message = response.body.message as string;
    expect(message).not.toMatch(/ERR_J/);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="realmkit", error="invalid_token", error_description="${asciiDescription(message)}"`,
    );
    return message;
  }

  it('a token for another audience: "This token is for …, not the Management API of realm …"', async () => {
    expect(await refusal(await forge({ claims: { aud: 'https://api.example' } }))).toBe(
      `This token is for https://api.example, not ${managementApi()}`,
    );
    expect(await refusal(await forge({ claims: { aud: audienceOf(otherRealm.name) } }))).toBe(
      `This token is for ${audienceOf(otherRealm.name)}, not ${managementApi()}`,
    );
    expect(await refusal(await forge({ claims: { aud: ['https://a.example', 'https://b.example'] } }))).toBe(
      `This token is for https://a.example, https://b.example, not ${managementApi()}`,
    );
  });

  it('expired, not yet valid, issued in the future: the time the token gives', async () => {
    const exp = now() - 60;
    expect(await refusal(await forge({ claims: { iat: exp - 300, exp } }))).toBe(
      `The access token expired at ${iso(exp)}: get a new one`,
    );
    const nbf = now() + 600;
    expect(await refusal(await forge({ claims: { nbf } }))).toBe(`The access token is not valid before ${iso(nbf)}`);
    const iat = now() + 600;
    expect(await refusal(await forge({ claims: { iat, exp: iat + 300 } }))).toBe(
      `The access token's issue time (iat, ${iso(iat)}) is in the future`,
    );
  });

  it('another issuer, a missing claim, an ID token, a realm token on another realm', async () => {
    expect(await refusal(await forge({ claims: { iss: `https://evil.example/oauth2/${realm.name}` } }))).toBe(
      `This token was issued by https://evil.example/oauth2/${realm.name}, not by this server (${TEST_ISSUER_URL}/oauth2/{realm})`,
    );
    expect(await refusal(await forge({ claims: { jti: undefined } }))).toBe('The access token has no "jti" claim');
    expect(await refusal(await forge({ header: { typ: 'JWT' } }))).toMatch(
      /^The token's "typ" header is JWT, not at\+jwt: only access tokens \(RFC 9068\) are accepted here/,
    );
    expect(await refusal(await forge(), `/api/v1/${otherRealm.name}/users`)).toBe(
      `This token was issued by realm ${realm.name}: it manages that realm only (a master realm token manages every realm)`,
    );
  });

  it('quotes, backslashes and non-ASCII in a claim: a well-formed header, never a 500', async () => {
    const message = await refusal(await forge({ claims: { aud: 'https://api.example/é"\\' } }));
    expect(message).toBe(`This token is for https://api.example/é"\\, not ${managementApi()}`);
    const response = await server.call('GET', `/api/v1/${realm.name}/users`, {
      token: await forge({ claims: { aud: 'https://api.example/é"\\' } }),
    });
    expect(response.headers.get('www-authenticate')).toContain(
      `error_description="This token is for https://api.example/?'?, not`,
    );
  });

  it('userinfo names its own audience: a Management API token there is not for the userinfo endpoint', async () => {
    const response = await server.call('GET', `/oauth2/${realm.name}/userinfo`, { token: await forge() });
    expect(response.status).toBe(401);
    const userinfo = `${TEST_ISSUER_URL}/oauth2/${realm.name}/userinfo`;
    expect(response.body.error_description).toBe(
      `This token is for ${audienceOf(realm.name)}, not the userinfo endpoint of realm ${realm.name} (${userinfo})`,
    );
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="${response.body.error_description}"`,
    );
  });
});
