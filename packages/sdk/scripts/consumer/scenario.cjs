// The live part of consumer-check.sh, shared by esm.mjs and cjs.cjs, which pass in the SDK as
// they loaded it (import / require). With a master-realm client (REALMKIT_URL,
// REALMKIT_CLIENT_ID, REALMKIT_CLIENT_SECRET): creates a realm, a user in it, lists the users
// with `for await`, checks the typed errors, gets a token with a private key (private_key_jwt), a
// DPoP-bound one (`dpop: true`) and one with a workload's token read from a file (federated
// credential, `fromTokenFile`), exchanges a token (RFC 8693, `rk.tokens.exchange`); against the
// server's default rate limits, a create whose answer is lost (one user), 500 creates in a loop and
// 200 concurrent reads, keyset iteration, ifMatch / ifNoneMatch and a typed `code`; then deletes
// the realm. Throws at the first surprise. The federated step's issuer runs on loopback: the server
// must run with REALMKIT_OUTBOUND_ALLOW_LOOPBACK=true (CI's does).
const assert = require('node:assert/strict');
const { generateKeyPairSync, randomBytes, randomUUID, sign } = require('node:crypto');
const { writeFileSync, mkdtempSync } = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const base64url = (value) => Buffer.from(value).toString('base64url');

/** A workload platform on loopback: discovery and a JWKS, and RS256 tokens shaped like Kubernetes'. */
async function startIssuer() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'platform-1', alg: 'RS256', use: 'sig' };
  const server = http.createServer((req, res) => {
    const body =
      req.url === '/.well-known/openid-configuration'
        ? { issuer: issuer(), jwks_uri: `${issuer()}/keys` }
        : req.url === '/keys'
          ? { keys: [jwk] }
          : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = () => `http://127.0.0.1:${server.address().port}`;
  const token = (claims) => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({ iss: issuer(), iat: now, exp: now + 600, jti: randomUUID(), ...claims }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
    return `${header}.${payload}.${signature}`;
  };
  return { url: issuer(), token, close: () => new Promise((resolve) => server.close(resolve)) };
}

module.exports = async function scenario(sdk, label, fromTokenFile) {
  const { Realmkit, NotFoundError, ConflictError } = sdk;
  const admin = new Realmkit({
    baseUrl: process.env.REALMKIT_URL,
    realm: 'master',
    clientId: process.env.REALMKIT_CLIENT_ID,
    clientSecret: process.env.REALMKIT_CLIENT_SECRET,
  });
  const name = `consumer-${label}-${randomBytes(4).toString('hex')}`;
  const realm = await admin.realms.create({ name, display_name: `Consumer check (${label})` });
  console.log(`ok  ${label}: created realm ${realm.name}`);
  try {
    const rk = admin.forRealm(realm.name);
    const user = await rk.users.create({ email: 'ada@example.com', name: 'Ada', password: 'securePassword123' });
    console.log(`ok  ${label}: created user ${user.email}`);

    const duplicate = await rk.users.create({ email: 'ADA@example.com' }).catch((error) => error);
    assert.ok(duplicate instanceof ConflictError, `expected a ConflictError, got ${duplicate}`);
    assert.equal(duplicate.status, 409);
    console.log(`ok  ${label}: the same email again: ConflictError (${duplicate.status} ${duplicate.error})`);

    const emails = [];
    for await (const u of rk.users.list()) emails.push(u.email);
    assert.deepEqual(emails, ['ada@example.com']);
    console.log(`ok  ${label}: listed ${emails.length} user with for await`);

    // Without a secret: an application with an Ed25519 public key gets its token with the private half.
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const management = (await rk.resources.list()).data[0];
    const [usersRead] = (await rk.resources.scopes.list(management.id, { search: 'users:read' })).data;
    const role = await rk.roles.create({ name: 'reader' });
    await rk.roles.scopes.assign(role.id, [usersRead.id]);
    const app = await rk.applications.create({
      name: 'key worker',
      type: 'm2m',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] },
    });
    await rk.applications.roles.assign(app.id, [role.id]);
    const keyed = new Realmkit({
      baseUrl: process.env.REALMKIT_URL,
      realm: realm.name,
      clientId: app.client_id,
      privateKey: { key: privateKey, kid: 'k1' },
    });
    assert.equal((await keyed.users.list()).data.length, 1);
    console.log(`ok  ${label}: private_key_jwt (EdDSA, a KeyObject): a token without a secret, users listed`);

    // Token exchange (RFC 8693): another service exchanges the key worker's token for one acting for it.
    const exchanger = await rk.applications.create({
      name: 'exchanger',
      type: 'm2m',
      // As an app writes it: the RFC's grant type URN.
      grant_types: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
    });
    await rk.applications.roles.assign(exchanger.id, [role.id]);
    const service = new Realmkit({
      baseUrl: process.env.REALMKIT_URL,
      realm: realm.name,
      clientId: exchanger.client_id,
      clientSecret: exchanger.client_secret,
    });
    const exchanged = await service.tokens.exchange({
      subjectToken: await keyed.tokens.getToken(),
      scope: ['users:read'],
    });
    assert.equal(exchanged.scope, 'users:read');
    const claims = JSON.parse(Buffer.from(exchanged.access_token.split('.')[1], 'base64url').toString());
    assert.deepEqual(
      [claims.sub, claims.client_id, claims.act],
      [app.client_id, exchanger.client_id, { sub: exchanger.client_id }],
    );
    const acting = new Realmkit({
      baseUrl: process.env.REALMKIT_URL,
      realm: realm.name,
      tokenSource: { getToken: async () => exchanged.access_token, invalidate: () => {} },
    });
    assert.equal((await acting.users.list()).data.length, 1);
    console.log(
      `ok  ${label}: token exchange: rk.tokens.exchange gave a token acting for the key worker (act), users listed`,
    );

    // DPoP (RFC 9449): a token bound to a key the SDK made (its private half not extractable). A
    // proof names the URL it is sent to, which the server compares with its public URL: the
    // issuer's, which may not be REALMKIT_URL (CI's server keeps the default, http://localhost:<port>).
    const worker = await rk.applications.create({ name: 'dpop worker', type: 'm2m' });
    await rk.applications.roles.assign(worker.id, [role.id]);
    const discovery = `${process.env.REALMKIT_URL}/oauth2/${realm.name}/.well-known/openid-configuration`;
    const { issuer } = await (await fetch(discovery)).json();
    const publicUrl = issuer.slice(0, issuer.lastIndexOf('/oauth2/'));
    const bound = new Realmkit({
      baseUrl: publicUrl,
      realm: realm.name,
      clientId: worker.client_id,
      clientSecret: worker.client_secret,
      dpop: true,
    });
    assert.equal((await bound.users.list()).data.length, 1);
    const { accessToken, tokenType } = await bound.tokens.getAccessToken();
    assert.equal(tokenType, 'DPoP');
    const asBearer = await fetch(`${publicUrl}/api/v1/${realm.name}/users`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    assert.equal(asBearer.status, 401, 'the DPoP-bound token sent as Bearer');
    const { privateKey: dpopKey } = await bound.tokens.dpop.getKeyPair();
    await assert.rejects(crypto.subtle.exportKey('jwk', dpopKey));
    console.log(
      `ok  ${label}: dpop: true: a DPoP-bound token, users listed; as Bearer 401; private key not extractable`,
    );

    // Without any key: a workload's platform token, trusted through a federated credential.
    const platform = await startIssuer();
    try {
      const workload = await rk.applications.create({
        name: 'workload',
        type: 'm2m',
        token_endpoint_auth_method: 'private_key_jwt',
      });
      await rk.applications.roles.assign(workload.id, [role.id]);
      const subject = 'system:serviceaccount:billing:invoicer';
      const trusted = await rk.applications.federatedCredentials
        .create(workload.id, { name: 'cluster', issuer: platform.url, subject })
        .catch((error) => {
          if (!(error instanceof sdk.UnprocessableEntityError)) throw error;
          throw new Error(
            `start the server with REALMKIT_OUTBOUND_ALLOW_LOOPBACK=true: ${JSON.stringify(error.details)}`,
          );
        });
      {
        const tokenFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'realmkit-token-')), 'token');
        writeFileSync(tokenFile, `${platform.token({ sub: subject, aud: trusted.audiences })}\n`);
        const federated = new Realmkit({
          baseUrl: process.env.REALMKIT_URL,
          realm: realm.name,
          clientId: workload.client_id,
          clientAssertion: fromTokenFile(tokenFile),
        });
        assert.equal((await federated.users.list()).data.length, 1);
        console.log(`ok  ${label}: federated credential: a platform token from a file (fromTokenFile), users listed`);
      }
    } finally {
      await platform.close();
    }

    // Issue 22 against the server's default rate limits: every write safe to retry, limits ridden
    // out, keyset iteration, ETags, typed codes. A fetch that loses the first answer to a create
    // (the request reached the server) and records every URL.
    const seen = [];
    let loseNextCreate = true;
    const flaky = new Realmkit({
      baseUrl: process.env.REALMKIT_URL,
      realm: 'master',
      clientId: process.env.REALMKIT_CLIENT_ID,
      clientSecret: process.env.REALMKIT_CLIENT_SECRET,
      fetch: async (url, init) => {
        seen.push(`${init?.method ?? 'GET'} ${url}`);
        const response = await fetch(url, init);
        if (loseNextCreate && init?.method === 'POST' && String(url).endsWith('/users')) {
          loseNextCreate = false;
          throw new TypeError('fetch failed: the answer was lost');
        }
        return response;
      },
    }).forRealm(realm.name);
    await flaky.users.create({ email: 'once@example.com' });
    const once = (await rk.users.list({ search: 'once@example.com' })).data;
    assert.equal(once.length, 1);
    console.log(`ok  ${label}: a create whose answer was lost is retried with its Idempotency-Key: one user`);

    for (let i = 0; i < 500; i++) await flaky.users.create({ email: `loop-${i}@example.com` });
    assert.equal((await rk.users.list({ search: 'loop-', per_page: 1 })).meta.total, 500);
    console.log(`ok  ${label}: 500 creates in a loop through one client, the default rate limits ridden out`);

    const reads = await Promise.all(Array.from({ length: 200 }, () => flaky.users.get(user.id)));
    assert.equal(reads.length, 200);
    console.log(`ok  ${label}: 200 concurrent reads through one client, the default rate limits ridden out`);

    for (let i = 0; i < 5; i++) await rk.users.create({ email: `page-${i}@example.com` });
    seen.length = 0;
    const paged = [];
    for await (const u of flaky.users.list({ search: 'page-', per_page: 2 })) paged.push(u.email);
    assert.equal(paged.length, 5);
    assert.equal(new Set(paged).size, 5);
    assert.ok(
      seen.slice(1).some((request) => request.includes('after=')),
      `keyset requests: ${seen.join(', ')}`,
    );
    console.log(`ok  ${label}: for await over users follows meta.next_after (after=), 5 users, none twice`);

    const { data: read, response } = await rk.users.get(user.id).withResponse();
    await rk.users.update(read.id, { name: 'Ada L.' }, { ifMatch: response.etag });
    const stale = await rk.users.update(read.id, { name: 'Ada X.' }, { ifMatch: response.etag }).catch((e) => e);
    assert.ok(stale instanceof sdk.PreconditionFailedError, `expected a PreconditionFailedError, got ${stale}`);
    const fresh = await rk.users.get(user.id).withResponse();
    const unchanged = await rk.users.get(user.id, { ifNoneMatch: fresh.response.etag }).catch((e) => e);
    assert.ok(unchanged instanceof sdk.NotModifiedError, `expected a NotModifiedError, got ${unchanged}`);
    assert.equal(duplicate.code, 'conflict');
    console.log(`ok  ${label}: ifMatch (412 PreconditionFailedError), ifNoneMatch (NotModifiedError), err.code`);

    await rk.users.delete(user.id);
    const missing = await rk.users.get(user.id).catch((error) => error);
    assert.ok(missing instanceof NotFoundError, `expected a NotFoundError, got ${missing}`);
    console.log(`ok  ${label}: deleted the user, then NotFoundError (${missing.status} ${missing.error})`);
  } finally {
    await admin.realms.delete(realm.name);
  }
  const gone = await admin.realms.get(realm.name).catch((error) => error);
  assert.ok(gone instanceof NotFoundError, `expected the realm to be gone, got ${gone}`);
  console.log(`ok  ${label}: deleted realm ${realm.name}`);
};
