// SDK quickstart: what a new user of @realmkit/sdk does first.
//
//   REALMKIT_URL=http://localhost:8080 REALMKIT_CLIENT_ID=... REALMKIT_CLIENT_SECRET=... \
//   node scripts/launch.mjs node --conditions=realmkit-source examples/sdk-quickstart/quickstart.ts
//
// With a master-realm client it creates a realm of its own, `quickstart-<random>`, with two users
// and a role given to one of them, lists the users with `for await` (page by page), meets a
// ConflictError, then deletes the realm. Any failure is thrown, so the process exits non-zero.
import { randomBytes } from 'node:crypto';
import { ConflictError, Realmkit } from '@realmkit/sdk';

const baseUrl = process.env.REALMKIT_URL || 'http://localhost:8080';
const clientId = process.env.REALMKIT_CLIENT_ID;
const clientSecret = process.env.REALMKIT_CLIENT_SECRET;
if (!clientId || !clientSecret) {
  console.error('error: set REALMKIT_CLIENT_ID and REALMKIT_CLIENT_SECRET to a master-realm client');
  process.exit(2);
}

// 1. A client. It gets its own client_credentials token from the realm it belongs to, and
//    refreshes it when needed: there is no token to handle.
const admin = new Realmkit({ baseUrl, realm: 'master', clientId, clientSecret });

// 2. A realm of our own; `forRealm` gives a client managing it with the same token.
const realm = await admin.realms.create({
  name: `quickstart-${randomBytes(4).toString('hex')}`,
  display_name: 'SDK quickstart',
});
console.log(`created realm ${realm.name} (${realm.id})`);
const rk = admin.forRealm(realm.name);

try {
  // 3. Users and a role, all scoped to that realm.
  const jane = await rk.users.create({ email: 'jane@example.com', name: 'Jane Doe', password: 'securePassword123' });
  const john = await rk.users.create({ email: 'john@example.com', name: 'John Roe' });
  console.log(`created users ${jane.email} and ${john.email}`);

  const editor = await rk.roles.create({ name: 'editor', description: 'Can edit content' });
  await rk.users.roles.assign(jane.id, [editor.id]);
  console.log(`gave ${jane.email} the role ${editor.name}`);

  // 4. `for await` goes through every item of every page: one user per page here, to show it.
  const emails: string[] = [];
  for await (const user of rk.users.list({ per_page: 1 })) emails.push(user.email);
  console.log(`listed ${emails.length} users, one page each: ${emails.join(', ')}`);
  if (emails.length !== 2) throw new Error(`expected 2 users, got ${emails.length}`);

  // Awaiting a list instead gives its first page, with the totals.
  const page = await rk.users.list({ search: 'jane' });
  console.log(`searched "jane": ${page.meta.total} match (${page.data.map((user) => user.name).join(', ')})`);

  // 5. Errors are classes by status: an email is unique per realm (in any case), so this is a 409.
  try {
    await rk.users.create({ email: 'JANE@example.com' });
    throw new Error('expected a ConflictError for a duplicate email');
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const fields = error.details?.map((detail) => detail.path).join(', ');
    console.log(
      `duplicate email: ${error.name} ${error.status} ${error.error} on ${fields} (request ${error.requestId})`,
    );
  }
} finally {
  // 6. Deleting the realm deletes everything in it.
  await admin.realms.delete(realm.name);
  console.log(`deleted realm ${realm.name}`);
}
