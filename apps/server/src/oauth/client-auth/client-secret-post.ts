import { OAuthError } from '../../oauth-protocol/oauth-error.ts';
import { param } from '../../oauth-protocol/oauth-form.ts';
import type { ClientAuthMethod } from './client-auth-method.ts';
import { verifySecret } from './client-secret.ts';

/** `client_secret_post` (RFC 6749 §2.3.1): `client_id` and `client_secret` in the form. */
export const clientSecretPost: ClientAuthMethod = {
  presentedIn: ({ form }) => form.client_secret !== undefined,
  read({ form }) {
    const clientId = param(form, 'client_id');
    const secret = param(form, 'client_secret');
    if (clientId === undefined || secret === undefined) {
      throw new OAuthError('invalid_client', 'client_secret_post needs both client_id and client_secret');
    }
    return { clientId, secret };
  },
  verify: verifySecret,
};
