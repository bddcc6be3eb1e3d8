// The live part of consumer-check.sh, shared by esm.mjs and cjs.cjs, which pass in the SDK as
// they loaded it (import / require). With a master-realm client (REALMKIT_URL,
// REALMKIT_CLIENT_ID, REALMKIT_CLIENT_SECRET): creates a realm, a user in it, lists the users
// with `for await`, checks the typed errors, gets a token with a private key (private_key_jwt) and
// with a workload's token read from a file (federated credential, `fromTokenFile`), then deletes
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
