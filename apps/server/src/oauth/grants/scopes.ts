import { OAuthError } from '../../oauth-protocol/oauth-error.ts';

/** RFC 6749 §3.3 scope-token: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The scopes a request's `scope` asks for (RFC 6749 §3.3), `undefined` when it sends none; `invalid_scope` when malformed. */
export function requestedScopes(scope: string | undefined): string[] | undefined {
  const requested = scope === undefined ? undefined : scope.split(' ').filter(Boolean);
  if (requested?.some((name) => !SCOPE_TOKEN.test(name))) {
    throw new OAuthError('invalid_scope', 'The scope parameter is malformed');
  }
  return requested;
}
