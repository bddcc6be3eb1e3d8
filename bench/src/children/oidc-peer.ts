// The peer: node-oidc-provider on $PORT, configured as Realmkit is used here: one confidential
// client, client_credentials with client_secret_basic, an API resource (RFC 8707 resource
// indicator) whose access tokens are RS256 JWTs (RFC 9068) with a scope, an RSA-2048 key.
import { generateKeyPairSync } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';

const port = Number(process.env.PORT);
const resource = process.env.PEER_RESOURCE ?? 'https://api.bench.test';
const client = JSON.parse(process.env.PEER_CLIENT ?? '{}') as { clientId: string; clientSecret: string };

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: client.clientId,
      client_secret: client.clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'read write',
    },
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

provider.listen(port);
