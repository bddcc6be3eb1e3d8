// The peer of figure 8: node-oidc-provider on $PORT, configured as Realmkit's sign-in is used
// there: one public client (a single-page application: authorization_code and refresh_token,
// no client authentication, PKCE), `openid offline_access`, refresh tokens rotated on every use
// (`rotateRefreshToken: true`, as Realmkit always does), RS256 ID tokens with an RSA-2048 key,
// access tokens for the userinfo endpoint (opaque, the provider's only kind for it) or, with
// $PEER_RESOURCE, RS256 JWTs for that API (RFC 9068).
//
// Storage ($PEER_STORE): `postgres`, the models in one PostgreSQL table through an adapter as a
// deployment has one (oidc-pg-adapter.ts) and the accounts in another; or `memory`, the
// provider's development adapter (an in-process LRU map, which its docs say not to deploy; here
// with room for a million entries instead of its 1,000) and the accounts in a Map.
//
// Before it listens it mints $PEER_CHAINS refresh tokens without an interactive login, as its
// authorization_code grant would (a Grant holding the scopes, then a RefreshToken of that grant),
// for $PEER_USERS accounts in turn, and writes them to $PEER_TOKENS_FILE as a JSON array.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import Provider, { type Configuration, errors, type FindAccount } from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';
import pg from 'pg';
import { createTable, pgAdapter } from './oidc-pg-adapter.ts';

const port = Number(process.env.PORT);
const store = process.env.PEER_STORE ?? 'memory';
const resource = process.env.PEER_RESOURCE || undefined;
const client = JSON.parse(process.env.PEER_CLIENT ?? '{}') as { clientId: string; redirectUri: string };
const chains = Number(process.env.PEER_CHAINS ?? 0);
const userCount = Number(process.env.PEER_USERS ?? 1);
const tokensFile = process.env.PEER_TOKENS_FILE;
const SCOPE = 'openid offline_access';

interface Account {
  id: string;
  email: string;
  email_verified: boolean;
  name: string;
  preferred_username: string;
}

function account(i: number): Account {
  return {
    id: `user-${i}`,
    email: `user${i}@bench.test`,
    email_verified: true,
    name: `Bench User ${i}`,
    preferred_username: `user${i}`,
  };
}

const accounts = Array.from({ length: userCount }, (_, i) => account(i));
let findAccountRow: (id: string) => Promise<Account | undefined>;
let adapter: Configuration['adapter'];
if (store === 'postgres') {
  const pool = new pg.Pool({ connectionString: process.env.PEER_DATABASE_URL, max: 10 });
  await createTable(pool);
  await pool.query(
    'create table if not exists oidc_accounts (id text primary key, email text not null, email_verified boolean not null, name text, preferred_username text)',
  );
  await pool.query('truncate oidc_models, oidc_accounts');
  for (const a of accounts) {
    await pool.query('insert into oidc_accounts values ($1, $2, $3, $4, $5)', [
      a.id,
      a.email,
      a.email_verified,
      a.name,
      a.preferred_username,
    ]);
  }
  await pool.query('analyze oidc_models');
  await pool.query('analyze oidc_accounts');
  adapter = pgAdapter(pool);
  findAccountRow = async (id) =>
    (await pool.query<Account>('select * from oidc_accounts where id = $1', [id])).rows[0] ?? undefined;
} else if (store === 'memory') {
  // The development adapter keeps 1,000 entries (an LRU of two generations): a load of a thousand
  // refreshes a second evicts the chains waiting their turn (the measured phase's fresh ones
  // first). The same adapter class, given a store with room for the run.
  const memory = new LRU({ maxSize: 1_000_000 });
  adapter = (name: string) => new MemoryAdapter(name, memory);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  findAccountRow = async (id) => byId.get(id);
} else {
  throw new Error(`PEER_STORE must be postgres or memory, not ${store}`);
}

const findAccount: FindAccount = async (_ctx, id) => {
  const row = await findAccountRow(id);
  if (!row) return undefined;
  return {
    accountId: row.id,
    claims: () => ({
      sub: row.id,
      email: row.email,
      email_verified: row.email_verified,
      name: row.name,
      preferred_username: row.preferred_username,
    }),
  };
};

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const HOUR = 3600;
const DAYS_14 = 14 * 24 * HOUR;

const provider = new Provider(`http://127.0.0.1:${port}`, {
  adapter,
  clients: [
    {
      client_id: client.clientId,
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [client.redirectUri],
    },
  ],
  jwks: { keys: [{ ...signingKey, kid: 'bench', alg: 'RS256', use: 'sig' }] },
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
  findAccount,
  rotateRefreshToken: true,
  ttl: {
    AccessToken: HOUR,
    AuthorizationCode: 60,
    IdToken: HOUR,
    RefreshToken: DAYS_14,
    Grant: DAYS_14,
    Interaction: HOUR,
    Session: DAYS_14,
  },
  features: {
    devInteractions: { enabled: false },
    ...(resource
      ? {
          resourceIndicators: {
            enabled: true,
            defaultResource: () => resource,
            useGrantedResource: () => true,
            getResourceServerInfo: (_ctx, indicator) => {
              if (indicator !== resource) throw new errors.InvalidTarget();
              return {
                scope: 'read',
                audience: indicator,
                accessTokenTTL: HOUR,
                accessTokenFormat: 'jwt',
                jwt: { sign: { alg: 'RS256' } },
              };
            },
          },
        }
      : {}),
  },
});

/**
 * A refresh token as the authorization_code grant leaves one after a login and consent: the
 * grant (its scopes), then the token bound to it, not to the browser session.
 */
async function mintRefreshToken(accountId: string): Promise<string> {
  const grant = new provider.Grant({ accountId, clientId: client.clientId });
  grant.addOIDCScope(SCOPE);
  if (resource) grant.addResourceScope(resource, 'read');
  const grantId = await grant.save();
  const found = await provider.Client.find(client.clientId);
  if (!found) throw new Error(`client ${client.clientId} not found`);
  const token = new provider.RefreshToken({
    client: found,
    accountId,
    grantId,
    gty: 'authorization_code',
    scope: SCOPE,
    authTime: Math.floor(Date.now() / 1000),
    expiresWithSession: false,
    rotations: 0,
    ...(resource ? { resource } : {}),
  });
  return token.save();
}

const tokens: string[] = [];
for (let i = 0; i < chains; i++) tokens.push(await mintRefreshToken(accounts[i % accounts.length]?.id as string));
if (tokensFile) writeFileSync(tokensFile, JSON.stringify(tokens));

// The reason behind an `invalid_grant` (its answer says only "grant request is invalid"), in the log.
let logged = 0;
provider.on('grant.error', (_ctx, error: Error & { error_detail?: string }) => {
  if (logged++ < 10) process.stderr.write(`grant.error: ${error.message}: ${error.error_detail ?? ''}\n`);
});

provider.listen(port);
