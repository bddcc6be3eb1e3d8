// The peer: node-oidc-provider on $PORT, configured as Realmkit is used here: one confidential
// client, client_credentials with client_secret_basic, an API resource (RFC 8707 resource
// indicator) whose access tokens are RS256 JWTs (RFC 9068) with a scope, an RSA-2048 key.
//
// With $PEER_KEY_CLIENT ({ clientId, jwks }), a second client that authenticates with
// private_key_jwt (RFC 7523 §2.2; the provider's default `clientAuthMethods` and
// `enabledJWA.clientAuthSigningAlgValues` hold it and ES256). The provider refuses a replayed
// assertion by storing each `jti` through its adapter (its ReplayDetection model), chosen by
// $PEER_STORE: `postgres`, the one-table adapter a deployment has (oidc-pg-adapter.ts, in
// $PEER_DATABASE_URL), or `memory`, the development adapter with room for the run (as
// oidc-peer-refresh.ts has it). Without it, the provider's default (the development adapter):
// client_secret_basic and JWT access tokens store nothing.
import { generateKeyPairSync } from 'node:crypto';
import Provider, { type ClientMetadata, type Configuration, errors } from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';
import pg from 'pg';
import { createTable, pgAdapter } from './oidc-pg-adapter.ts';

const port = Number(process.env.PORT);
const resource = process.env.PEER_RESOURCE ?? 'https://api.bench.test';
const client = JSON.parse(process.env.PEER_CLIENT ?? '{}') as { clientId: string; clientSecret: string };
const keyClient = process.env.PEER_KEY_CLIENT
  ? (JSON.parse(process.env.PEER_KEY_CLIENT) as { clientId: string; jwks: ClientMetadata['jwks'] })
  : undefined;
const store = process.env.PEER_STORE;

let adapter: Configuration['adapter'];
if (store === 'postgres') {
  const pool = new pg.Pool({ connectionString: process.env.PEER_DATABASE_URL, max: 10 });
  await createTable(pool);
  adapter = pgAdapter(pool);
} else if (store === 'memory') {
  // The development adapter's own store keeps 1,000 entries: at thousands of assertions a second
  // it would forget a jti within a second. The same class, with room for every jti of the run.
  const memory = new LRU({ maxSize: 1_000_000 });
  adapter = (name: string) => new MemoryAdapter(name, memory);
} else if (store !== undefined) {
  throw new Error(`PEER_STORE must be postgres or memory, not ${store}`);
}

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const m2m = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'read write' };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  ...(adapter ? { adapter } : {}),
  clients: [
    {
      client_id: client.clientId,
      client_secret: client.clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      ...m2m,
    },
    ...(keyClient
      ? [
          {
            client_id: keyClient.clientId,
            token_endpoint_auth_method: 'private_key_jwt' as const,
            jwks: keyClient.jwks,
            ...m2m,
          },
        ]
      : []),
  ],
  jwks: { keys: [{ ...signingKey, kid: 'bench', alg: 'RS256', use: 'sig' }] },
  scopes: ['read', 'write'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== resource) throw new errors.InvalidTarget();
        return {
          scope: 'read write',
          audience: indicator,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
});

// Why a client was refused (its answer says only "client authentication failed"), in the log.
let logged = 0;
provider.on('grant.error', (_ctx, error: Error & { error_detail?: string }) => {
  if (logged++ < 10) process.stderr.write(`grant.error: ${error.message}: ${error.error_detail ?? ''}\n`);
});

provider.listen(port);
