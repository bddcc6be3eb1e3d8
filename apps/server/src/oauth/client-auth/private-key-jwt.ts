import { CLIENT_ASSERTION_MAX_LENGTH, JWT_BEARER_ASSERTION_TYPE } from '@realmkit/contract';
import { decodeJwt } from 'jose';
import { OAuthError } from '../../oauth-protocol/oauth-error.ts';
import { param } from '../../oauth-protocol/oauth-form.ts';
import type { ClientAuthMethod } from './client-auth-method.ts';

/** The client an assertion names when the form does not (RFC 7523 §3.1: `client_id` is optional). */
function subjectOf(assertion: string): string {
  try {
    const { sub } = decodeJwt(assertion);
    if (typeof sub === 'string') return sub;
  } catch {
    // Not a JWT: said below.
  }
  throw new OAuthError('invalid_client', 'client_id is required when the client_assertion names no sub');
}

/**
 * `private_key_jwt` (RFC 7523 §2.2, OIDC Core §9): `client_assertion_type` is the JWT bearer URN and
 * `client_assertion` a JWT, signed by a key of the client (its `jwks` or `jwks_uri`), or issued to
 * the workload by the platform of one of its federated credentials (then `client_id` names the
 * client, as the token's `sub` is the workload's). The signature, claims and replay are checked by
 * `ClientVerifier.verifyAssertion`.
 */
export const privateKeyJwt: ClientAuthMethod = {
  presentedIn: ({ form }) => form.client_assertion_type !== undefined || form.client_assertion !== undefined,
  read({ form }) {
    const type = param(form, 'client_assertion_type');
    const assertion = param(form, 'client_assertion');
    if (type !== JWT_BEARER_ASSERTION_TYPE) {
      throw new OAuthError('invalid_client', `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
    }
    if (!assertion) throw new OAuthError('invalid_client', 'client_assertion is required');
    if (assertion.length > CLIENT_ASSERTION_MAX_LENGTH) {
      throw new OAuthError(
        'invalid_client',
        `client_assertion is longer than ${CLIENT_ASSERTION_MAX_LENGTH} characters`,
      );
    }
    return { clientId: param(form, 'client_id') ?? subjectOf(assertion), assertion };
  },
  verify: (client, claimed, verifier, realm) =>
    client ? verifier.verifyAssertion(client, claimed.assertion ?? '', realm) : false,
};
