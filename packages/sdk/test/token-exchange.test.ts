import { ACCESS_TOKEN_TYPE_URN, TOKEN_EXCHANGE_GRANT_TYPE } from '@realmkit/contract';
import { decodeJwt, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, ClientCredentials, PermissionDeniedError, Realmkit } from '../src/index.ts';
import { baseUrl, createRealm } from './support/realmkit.ts';

// rk.tokens.exchange against the real server: a service exchanges another application's token for a
// narrower one (RFC 8693), authenticating with its secret or with its private key, and the new token
// works on the Management API with only what it kept.

let realm: string;
let admin: Realmkit;
let roleId: string;
/** The application whose token gets exchanged. */
let orders: { clientId: string; clientSecret: string };

beforeAll(async () => {
  ({ name: realm, admin } = await createRealm('sdk-tx'));
  const management = (await admin.resources.list()).data[0]!;
  const scopes = (await admin.resources.scopes.list(management.id, { per_page: 100 })).data;
  const role = await admin.roles.create({ name: 'reader' });
  await admin.roles.scopes.assign(
    role.id,
    scopes.filter((s) => s.name === 'users:read' || s.name === 'roles:read').map((s) => s.id),
  );
  roleId = role.id;
  const app = await admin.applications.create({ name: 'orders', type: 'm2m' });
  await admin.applications.roles.assign(app.id, [roleId]);
  orders = { clientId: app.client_id, clientSecret: app.client_secret! };
});

/** orders' own token: users:read and roles:read. */
function ordersToken(): Promise<string> {
  return new ClientCredentials({ baseUrl, realm, ...orders }).getToken();
}

/** A Realmkit client that uses `token` as it is. */
function withToken(token: string): Realmkit {
  return new Realmkit({ baseUrl, realm, tokenSource: { getToken: async () => token, invalidate: () => {} } });
}

describe('rk.tokens.exchange', () => {
  it("exchanges another application's token for a narrower one, authenticating with the client's secret", async () => {
    const app = await admin.applications.create({
      name: 'billing',
      type: 'm2m',
      grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT_TYPE],
    });
    await admin.applications.roles.assign(app.id, [roleId]);
    const billing = new Realmkit({ baseUrl, realm, clientId: app.client_id, clientSecret: app.client_secret! });

    const exchanged = await billing.tokens.exchange({ subjectToken: await ordersToken(), scope: ['users:read'] });
    expect(exchanged).toMatchObject({
      issued_token_type: ACCESS_TOKEN_TYPE_URN,
      token_type: 'Bearer',
      scope: 'users:read',
    });
    expect(decodeJwt(exchanged.access_token)).toMatchObject({
      sub: orders.clientId,
      client_id: app.client_id,
      act: { sub: app.client_id },
    });
    const acting = withToken(exchanged.access_token);
    expect((await acting.users.list()).meta.current_page).toBe(1);
    await expect(acting.roles.list()).rejects.toBeInstanceOf(PermissionDeniedError);

    // The server's refusal, as an error class with its OAuth code.
    const refused = await billing.tokens.exchange({ subjectToken: 'not-a-token' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect((refused as BadRequestError).code).toBe('invalid_grant');
  });

  it('authenticates the exchange with the private key of a client registered without a secret', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const app = await admin.applications.create({
      name: 'keyed billing',
      type: 'm2m',
      grant_types: [TOKEN_EXCHANGE_GRANT_TYPE],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' } as { kty: 'EC' }] },
    });
    await admin.applications.roles.assign(app.id, [roleId]);
    const keyed = new Realmkit({
      baseUrl,
      realm,
      clientId: app.client_id,
      privateKey: { key: pair.privateKey, kid: 'k1' },
    });

    const exchanged = await keyed.tokens.exchange({ subjectToken: await ordersToken(), scope: 'roles:read' });
    expect(decodeJwt(exchanged.access_token)).toMatchObject({ client_id: app.client_id, scope: 'roles:read' });
    expect((await withToken(exchanged.access_token).roles.list()).meta.current_page).toBe(1);
  });

  it('needs the client credential: a client made from a bare token source says so', async () => {
    const bare = withToken('whatever');
    await expect(bare.tokens.exchange({ subjectToken: 'x' })).rejects.toThrow(/credential/);
    // A ClientCredentials as token source exchanges with its own.
    const shared = new Realmkit({ baseUrl, realm, tokenSource: new ClientCredentials({ baseUrl, realm, ...orders }) });
    await expect(shared.tokens.exchange({ subjectToken: await ordersToken() })).rejects.toMatchObject({
      code: 'unauthorized_client',
    });
  });
});
