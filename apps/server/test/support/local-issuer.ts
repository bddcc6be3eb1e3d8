import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

/**
 * A workload platform's token issuer on loopback, as a test's stand-in for a Kubernetes API server
 * or a CI provider: an OpenID discovery document at `{issuer}/.well-known/openid-configuration`, a
 * JWKS, and RS256 tokens shaped like the platform's. Counts the requests for its keys.
 */
export class LocalIssuer {
  readonly #server: Server;
  readonly #path: string;
  #keys: SigningKey[] = [];
  /** Requests for the JWKS, and for the discovery document. */
  jwksRequests = 0;
  discoveryRequests = 0;

  private constructor(server: Server, path: string) {
    this.#server = server;
    this.#path = path;
  }

  /** An issuer at `http://127.0.0.1:{port}{path}` (`path` e.g. `/gha`, or empty). */
  static async start(path = ''): Promise<LocalIssuer> {
    let issuer: LocalIssuer | undefined;
    const server = createServer((req, res) => issuer?.handle(req.url ?? '', res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = new LocalIssuer(server, path);
    await issuer.rotate();
    return issuer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${this.#path}`;
  }

  get jwksUri(): string {
    return `${this.url}/keys`;
  }

  /** A new signing key, published beside the old ones (`keep`) or instead of them. */
  async rotate(keep = false): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const kid = randomUUID();
    const key = { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
    this.#keys = keep ? [...this.#keys, key] : [key];
  }

  /** A token signed by the newest key, `iss` this issuer, valid ten minutes from now unless `claims` say otherwise. */
  sign(claims: JWTPayload): Promise<string> {
    const key = this.#keys.at(-1) as SigningKey;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.url, iat: now, nbf: now, exp: now + 600, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  /**
   * Shaped like a Kubernetes projected service account token (`serviceAccountToken` volume with
   * an `audience`): `sub` is `system:serviceaccount:{namespace}:{name}`.
   */
  kubernetesToken(namespace: string, serviceAccount: string, audience: string, claims: JWTPayload = {}) {
    return this.sign({
      sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
      aud: [audience],
      jti: randomUUID(),
      'kubernetes.io': {
        namespace,
        serviceaccount: { name: serviceAccount, uid: randomUUID() },
        pod: { name: `${serviceAccount}-7d4b9c`, uid: randomUUID() },
      },
      ...claims,
    });
  }

  /** Shaped like a GitHub Actions OIDC token requested with `audience`: `sub` is `repo:{repo}:ref:{ref}`. */
  githubActionsToken(repository: string, ref: string, audience: string, claims: JWTPayload = {}) {
    return this.sign({
      sub: `repo:${repository}:ref:${ref}`,
      aud: audience,
      jti: randomUUID(),
      repository,
      ref,
      repository_owner: repository.split('/')[0],
      workflow: 'deploy',
      event_name: 'push',
      job_workflow_ref: `${repository}/.github/workflows/deploy.yml@${ref}`,
      ...claims,
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  private handle(url: string, res: import('node:http').ServerResponse): void {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url === `${this.#path}/.well-known/openid-configuration`) {
      this.discoveryRequests += 1;
      send({ issuer: this.url, jwks_uri: this.jwksUri, id_token_signing_alg_values_supported: ['RS256'] });
    } else if (url === `${this.#path}/keys`) {
      this.jwksRequests += 1;
      send({ keys: this.#keys.map((key) => key.publicJwk) });
    } else {
      res.writeHead(404).end();
    }
  }
}
