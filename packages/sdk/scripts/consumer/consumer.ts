// What an app written in TypeScript does with the SDK. consumer-check.sh type-checks it in a blank
// project against the packed SDK, twice: as ESM (dist/index.d.ts) and as CommonJS
// (dist/index.d.cts). It is not run (esm.mjs and cjs.cjs are): the @ts-expect-error lines prove
// the types are real, not `any`.
import { createPrivateKey } from 'node:crypto';
import {
  type AccessToken,
  ClientCredentials,
  ConflictError,
  DpopKey,
  NotFoundError,
  type Page,
  PreconditionFailedError,
  RateLimitError,
  Realmkit,
  type TokenResponse,
  type TokenSource,
  type User,
} from '@realmkit/sdk';
import { fromTokenFile } from '@realmkit/sdk/node';

async function main(): Promise<void> {
  const baseUrl = process.env.REALMKIT_URL ?? 'http://localhost:8080';
  const clientId = process.env.REALMKIT_CLIENT_ID ?? '';
  const clientSecret = process.env.REALMKIT_CLIENT_SECRET ?? '';
  const rk = new Realmkit({ baseUrl, realm: 'acme', clientId, clientSecret });

  const user: User = await rk.users.create({ email: 'jane@example.com', password: 'securePassword123' });
  const emails: string[] = [];
  for await (const u of rk.users.list({ search: 'jane' })) emails.push(u.email);
  const page: Page<User> = await rk.users.list({ per_page: 10 });
  const total: number = page.meta.total;
  console.log(emails, total);

  try {
    await rk.users.get(user.id);
  } catch (error) {
    if (error instanceof NotFoundError) console.log(error.status, error.error, error.requestId);
    else if (error instanceof ConflictError) console.log(error.details?.map((detail) => detail.path));
    else throw error;
  }

  // The result with its response; its ETag back as If-Match.
  const { data: read, response } = await rk.users.get(user.id).withResponse();
  const etag: string | null = response.etag;
  if (etag) {
    await rk.users
      .update(read.id, { name: 'Jane Smith' }, { ifMatch: etag })
      .catch((error: unknown) => console.log(error instanceof PreconditionFailedError));
  }

  // The README's SDK examples, as written there.
  await rk.users.create({ email: 'ada@example.com' });
  await rk.users.create({ email: 'bob@example.com' }, { maxRetries: 0 }).catch((error) => {
    if (error instanceof RateLimitError) console.log(`asked to wait ${error.retryAfter} s`);
  });
  for await (const u of rk.users.list({ search: 'example.com', per_page: 100 })) console.log(u.email);
  const { data: jane, response: janeResponse } = await rk.users.get(user.id).withResponse();
  await rk.users.update(jane.id, { name: 'Jane D.' }, { ifMatch: janeResponse.etag ?? undefined });
  try {
    await rk.users.create({ email: 'jane@example.com' });
  } catch (error) {
    if (error instanceof ConflictError) {
      const code: 'conflict' | 'idempotency_key_in_progress' | 'http_409' = error.code;
      console.log(code, error.details, error.requestId);
      // @ts-expect-error: a 409 never has this code
      if (error.code === 'not_found') console.log('never');
    }
  }

  // Token exchange (RFC 8693): the contract's token response, typed.
  const exchanged: TokenResponse = await rk.tokens.exchange({
    subjectToken: 'eyJ...',
    resource: 'https://orders.example.com',
    scope: ['orders:read'],
  });
  const issuedType: string | undefined = exchanged.issued_token_type;
  console.log(issuedType);
  // @ts-expect-error: the token to exchange is required
  await rk.tokens.exchange({ resource: 'https://orders.example.com' });
  // DPoP: tokens bound to a key the SDK makes.
  const bound = new Realmkit({ baseUrl, realm: 'acme', clientId, clientSecret, dpop: true });
  await bound.users.list();

  // @ts-expect-error: a user needs an email
  await rk.users.create({ name: 'No email' });
  // @ts-expect-error: `email` is a string
  const wrong: number = user.email;
  console.log(wrong);
}

/** Clients without a secret: a Node KeyObject, a WebCrypto CryptoKey, a JWK, or the platform's token. */
async function withoutSecret(pem: string): Promise<Realmkit[]> {
  const settings = { baseUrl: 'http://localhost:8080', realm: 'acme', clientId: 'worker' };
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  // @ts-expect-error: one credential only
  console.log(new Realmkit({ ...settings, clientSecret: 'secret', privateKey: { key: jwk } }));
  // @ts-expect-error: not an algorithm for client assertions
  console.log(new Realmkit({ ...settings, privateKey: { key: jwk, alg: 'HS256' } }));
  return [
    new Realmkit({ ...settings, privateKey: { key: createPrivateKey(pem), kid: 'k1' } }),
    new Realmkit({ ...settings, privateKey: { key: pair.privateKey, alg: 'ES256' } }),
    new Realmkit({ ...settings, privateKey: { key: jwk } }),
    new Realmkit({ ...settings, clientAssertion: fromTokenFile('/var/run/secrets/tokens/realmkit') }),
  ];
}
void withoutSecret;

/** DPoP: a key pair the SDK makes or one of yours; a tokenSource brings its own key (a DpopKey). */
async function withDpop(clientSecret: string): Promise<Realmkit[]> {
  const settings = { baseUrl: 'http://localhost:8080', realm: 'acme', clientId: 'worker' };
  const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const credentials = new ClientCredentials({ ...settings, clientSecret, dpop: { keyPair } });
  const { accessToken, tokenType }: AccessToken = await credentials.getAccessToken();
  const proof: string = await new DpopKey({ keyPair }).proof('GET', 'https://api.example.com/posts', accessToken);
  console.log(tokenType, proof);
  const tokenSource: TokenSource = credentials;
  // @ts-expect-error: a tokenSource brings its own key
  console.log(new Realmkit({ ...settings, tokenSource, dpop: true }));
  // @ts-expect-error: `dpop` takes `true` or `{ keyPair }`
  console.log(new Realmkit({ ...settings, clientSecret, dpop: keyPair }));
  return [
    new Realmkit({ ...settings, clientSecret, dpop: true }),
    new Realmkit({ ...settings, privateKey: { key: keyPair.privateKey }, dpop: { keyPair } }),
    new Realmkit({ ...settings, tokenSource }),
  ];
}
void withDpop;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
