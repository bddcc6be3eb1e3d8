import { ID_TOKEN_TTL_SECONDS } from '@realmkit/contract';
import type { Clock } from '../clock/clock.ts';
import type { SigningKeyService } from '../keys/signing-key.service.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import type { ActiveUser } from '../users/user.service.ts';
import { userClaims } from './user-claims.ts';

export interface IdTokenRequest {
  realm: { id: string; name: string };
  clientId: string;
  user: ActiveUser;
  scopes: readonly string[];
  sessionId: string | null;
  authTime: Date;
  nonce: string | null;
}

/** OpenID Connect ID tokens (OIDC Core §2), signed with the realm's active key like its access tokens. */
export class IdTokenService {
  readonly #keys: SigningKeyService;
  readonly #issuers: Issuers;
  readonly #clock: Clock;

  constructor(keys: SigningKeyService, issuers: Issuers, clock: Clock) {
    this.#keys = keys;
    this.#issuers = issuers;
    this.#clock = clock;
  }

  /** `typ` JWT; the user's claims by scope; `nonce` when the authorization request had one (§3.1.2.1). */
  issue(request: IdTokenRequest): Promise<string> {
    const now = Math.floor(this.#clock() / 1000);
    return this.#keys.sign(
      request.realm.id,
      'JWT',
      {
        ...userClaims(request.user, request.scopes),
        iss: this.#issuers.issuerOf(request.realm.name),
        aud: request.clientId,
        iat: now,
        exp: now + ID_TOKEN_TTL_SECONDS,
        auth_time: Math.floor(request.authTime.getTime() / 1000),
        ...(request.nonce === null ? {} : { nonce: request.nonce }),
        ...(request.sessionId === null ? {} : { sid: request.sessionId }),
      },
      ID_TOKEN_TTL_SECONDS,
    );
  }
}
