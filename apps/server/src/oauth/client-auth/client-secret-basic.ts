import { OAuthError } from '../../oauth-protocol/oauth-error.ts';
import { basicCredentialParts, decodeFormComponent, param } from '../../oauth-protocol/oauth-form.ts';
import type { ClientAuthMethod } from './client-auth-method.ts';
import { verifySecret } from './client-secret.ts';

/**
 * `client_secret_basic` (RFC 6749 §2.3.1): `Authorization: Basic` with the client id and secret,
 * each form-urlencoded first. A `client_id` in the form too must be the same.
 */
export const clientSecretBasic: ClientAuthMethod = {
  presentedIn: ({ authorization }) => Boolean(authorization),
  read({ authorization, form }) {
    const parts = basicCredentialParts(authorization);
    if (!parts) throw new OAuthError('invalid_client', 'Malformed Basic authorization header');
    let clientId: string;
    let secret: string;
    try {
      clientId = decodeFormComponent(parts.id);
      secret = decodeFormComponent(parts.secret);
    } catch {
      throw new OAuthError('invalid_client', 'Malformed Basic authorization header');
    }
    if (`${clientId}${secret}`.includes('\u0000')) {
      throw new OAuthError('invalid_request', 'The Basic authorization header contains U+0000');
    }
    const postedId = param(form, 'client_id');
    if (postedId !== undefined && postedId !== clientId) {
      throw new OAuthError('invalid_request', 'client_id does not match the Authorization header');
    }
    return { clientId, secret };
  },
  verify: verifySecret,
};
