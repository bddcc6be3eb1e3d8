import type { Application } from '../../applications/application.entity.ts';
import type { ClaimedClient, ClientVerifier } from './client-auth-method.ts';

/** What both secret methods check: the secret, compared in constant time whether the client exists or not. */
export function verifySecret(
  client: Application | null,
  claimed: ClaimedClient,
  verifier: ClientVerifier,
): boolean | Promise<boolean> {
  return verifier.verifySecret(client, claimed.secret ?? '');
}
