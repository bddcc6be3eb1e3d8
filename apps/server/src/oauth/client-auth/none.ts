import { param } from '../../oauth-protocol/oauth-form.ts';
import type { ClientAuthMethod } from './client-auth-method.ts';

/**
 * `none` (RFC 7591 §2): a public client, which can keep no secret, only names itself with
 * `client_id`. It proves nothing, so only a client registered with `none` is taken at its word;
 * what it may then do is bounded by its grants (PKCE, for instance, binds a code to its request).
 */
export const none: ClientAuthMethod = {
  presentedIn: ({ authorization, form }) =>
    !authorization &&
    form.client_secret === undefined &&
    form.client_assertion === undefined &&
    form.client_assertion_type === undefined &&
    form.client_id !== undefined,
  read: ({ form }) => ({ clientId: param(form, 'client_id') ?? '' }),
  verify: (client) => client?.tokenEndpointAuthMethod === 'none',
};
