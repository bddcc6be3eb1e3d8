import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalIssuer } from './support/local-issuer.ts';
import { resolveForTests } from './support/outbound.ts';
import { startSignInServer } from './support/sign-in.ts';
import type { TestServer } from './support/test-server.ts';

/**
 * Workload identity federation and keys at a `jwks_uri`, against issuers on loopback (the server
 * runs with REALMKIT_OUTBOUND_ALLOW_LOOPBACK=true, as a developer's would): a Kubernetes-shaped
 * projected service account token and a GitHub Actions-shaped OIDC token authenticate the
 * application that trusts them, and nothing else does.
 */
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

let server: TestServer;
let admin: string;
let realm: { id: string; name: string };
let realmIssuer: string;
let roleId: string;
let kubernetes: LocalIssuer;
let github: LocalIssuer;

const api = () => `/api/v1/${realm.name}`;

beforeAll(async () => {
  server = await startSignInServer({ outboundResolve: resolveForTests }, { outboundAllowLoopback: true });
  admin = await server.masterToken();
  realm = await server.createRealm(admin, 'wif');
  realmIssuer = `${server.url}/oauth2/${realm.name}`;
  ({ roleId } = await server.createRealmClient(realm.name, ['users:read']));
  kubernetes = await LocalIssuer.start();
  github = await LocalIssuer.start('/gha');
});
afterAll(async () => {
  await Promise.all([server?.close(), kubernetes?.close(), github?.close()]);
});
afterEach(() => {
  vi.useRealTimers();
});

/** An m2m application with `private_key_jwt` and the test role; `json` adds keys. */
async function machine(json: Record<string, unknown> = {}): Promise<{ id: string; clientId: string }> {
  const app = await server.expectCall(201, 'POST', `${api()}/applications`, {
    token: admin,
    json: {
      name: `wif-${randomUUID().slice(0, 8)}`,
      type: 'm2m',
      token_endpoint_auth_method: 'private_key_jwt',
      ...json,
    },
  });
  await server.expectCall(204, 'POST', `${api()}/applications/${app.id}/roles`, {
    token: admin,
    json: { role_ids: [roleId] },
  });
  return { id: app.id, clientId: app.client_id };
}

function trust(applicationId: string, credential: Record<string, unknown>) {
  return server.expectCall(201, 'POST', `${api()}/applications/${applicationId}/federated-credentials`, {
    token: admin,
    json: { name: `cred-${randomUUID().slice(0, 8)}`, ...credential },
  });
}

function tokenRequest(clientId: string, clientAssertion: string) {
  return server.call('POST', `/oauth2/${realm.name}/token`, {
    form: {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: clientAssertion,
    },
  });
}

async function expectRefused(clientId: string, clientAssertion: string, description: RegExp) {
  const response = await tokenRequest(clientId, clientAssertion);
  expect(response.status).toBe(401);
  expect(response.body.error).toBe('invalid_client');
  expect(response.body.error_description).toMatch(description);
}

describe('workload identity federation', () => {
  it('takes a Kubernetes projected service account token, by discovery, with the realm issuer as default audience', async () => {
    const app = await machine();
    const credential = await trust(app.id, {
      issuer: kubernetes.url,
      subject: 'system:serviceaccount:billing:invoicer',
    });
    expect(credential).toMatchObject({ audiences: [realmIssuer], jwks_uri: null });

    const token = await kubernetes.kubernetesToken('billing', 'invoicer', realmIssuer);
    const response = await tokenRequest(app.clientId, token);
    expect(response.status).toBe(200);
    // Unlike a private_key_jwt assertion, the platform's token is presented until it is refreshed.
    expect((await tokenRequest(app.clientId, token)).status).toBe(200);

    await expectRefused(
      app.clientId,
      await kubernetes.kubernetesToken('billing', 'other-account', realmIssuer),
      /match none of the client's federated credentials/,
    );
    await expectRefused(
      app.clientId,
      await kubernetes.kubernetesToken('billing', 'invoicer', 'https://another-audience.example'),
      /match none/,
    );
  });

  it("takes a GitHub Actions token with the credential's own audience, and refuses another ref", async () => {
    const app = await machine();
    await trust(app.id, {
      issuer: github.url,
      subject: 'repo:acme/billing:ref:refs/heads/main',
      audiences: ['realmkit-deploy'],
    });
    expect(
      (
        await tokenRequest(
          app.clientId,
          await github.githubActionsToken('acme/billing', 'refs/heads/main', 'realmkit-deploy'),
        )
      ).status,
    ).toBe(200);
    await expectRefused(
      app.clientId,
      await github.githubActionsToken('acme/billing', 'refs/heads/feature', 'realmkit-deploy'),
      /match none/,
    );
  });

  it('refuses an expired token, a token from the future, one signed by a stranger, and an untrusted issuer', async () => {
    const app = await machine();
    await trust(app.id, { issuer: kubernetes.url, subject: 'system:serviceaccount:ops:runner' });
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(
      app.clientId,
      await kubernetes.kubernetesToken('ops', 'runner', realmIssuer, {
        iat: now - 7200,
        nbf: now - 7200,
        exp: now - 3600,
      }),
      /expired/,
    );
    await expectRefused(
      app.clientId,
      await kubernetes.kubernetesToken('ops', 'runner', realmIssuer, {
        iat: now + 3600,
        nbf: now + 3600,
        exp: now + 7200,
      }),
      /nbf|future/,
    );
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({
      iss: kubernetes.url,
      sub: 'system:serviceaccount:ops:runner',
      aud: realmIssuer,
      exp: now + 60,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .sign(privateKey);
    await expectRefused(app.clientId, forged, /No key matches/);
    await expectRefused(
      app.clientId,
      await github.githubActionsToken('acme/billing', 'refs/heads/main', realmIssuer),
      /neither signed by the client/,
    );
  });

  it("does not let another application's credential authenticate this one", async () => {
    const trusted = await machine();
    const other = await machine();
    await trust(trusted.id, { issuer: kubernetes.url, subject: 'system:serviceaccount:shop:cart' });
    const token = await kubernetes.kubernetesToken('shop', 'cart', realmIssuer);
    expect((await tokenRequest(trusted.clientId, token)).status).toBe(200);
    await expectRefused(other.clientId, token, /neither signed by the client/);
  });

  it("uses the credential's jwks_uri when the issuer serves no discovery document, and stops when it is deleted", async () => {
    const app = await machine();
    const issuerWithoutDiscovery = `${kubernetes.url}/no-discovery`;
    const credential = await trust(app.id, {
      issuer: issuerWithoutDiscovery,
      subject: 'system:serviceaccount:ci:builder',
      jwks_uri: kubernetes.jwksUri,
    });
    const token = await kubernetes.kubernetesToken('ci', 'builder', realmIssuer, { iss: issuerWithoutDiscovery });
    expect((await tokenRequest(app.clientId, token)).status).toBe(200);
    await server.expectCall(204, 'DELETE', `${api()}/applications/${app.id}/federated-credentials/${credential.id}`, {
      token: admin,
    });
    await expectRefused(app.clientId, token, /neither signed by the client/);
  });

  it('refuses a token of an issuer whose discovery document cannot be read', async () => {
    const app = await machine();
    // Its discovery URL is served... by no one: a 404, as an issuer that is not this one would answer.
    await trust(app.id, { issuer: `${github.url}/impostor`, subject: 'x' });
    const token = await github.sign({ iss: `${github.url}/impostor`, sub: 'x', aud: realmIssuer });
    await expectRefused(app.clientId, token, /could not be read/);
  });
});

describe('keys at a jwks_uri', () => {
  it('verifies with the keys served there, and finds a rotated key within the refresh floor', async () => {
    const publisher = await LocalIssuer.start('/app-keys');
    try {
      const app = await machine({ jwks_uri: publisher.jwksUri });
      // The publisher signs RS256 with its own keys: an assertion by the client itself.
      const assertion = () =>
        publisher.sign({
          iss: app.clientId,
          sub: app.clientId,
          aud: realmIssuer,
          jti: randomUUID(),
          exp: Math.floor(Date.now() / 1000) + 60,
        });
      expect((await tokenRequest(app.clientId, await assertion())).status).toBe(200);
      expect((await tokenRequest(app.clientId, await assertion())).status).toBe(200);
      expect(publisher.jwksRequests).toBe(1);

      // A new key published: an assertion with its kid fetches the set again, once the floor has passed.
      await publisher.rotate();
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31_000 });
      expect((await tokenRequest(app.clientId, await assertion())).status).toBe(200);
      expect(publisher.jwksRequests).toBe(2);
    } finally {
      await publisher.close();
    }
  });
});
