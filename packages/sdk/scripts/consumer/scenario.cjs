// The live part of consumer-check.sh, shared by esm.mjs and cjs.cjs, which pass in the SDK as
// they loaded it (import / require). With a master-realm client (REALMKIT_URL,
// REALMKIT_CLIENT_ID, REALMKIT_CLIENT_SECRET): creates a realm, a user in it, lists the users
// with `for await`, checks the typed errors, gets a token with a private key (private_key_jwt), then
// deletes the realm. Throws at the first surprise.
const assert = require('node:assert/strict');
const { generateKeyPairSync, randomBytes } = require('node:crypto');

module.exports = async function scenario(sdk, label) {
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
