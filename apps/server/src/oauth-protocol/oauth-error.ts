import { OAUTH_ERRORS, type OAuthErrorBody, type OAuthErrorCode, type OAuthErrorStatus } from '@realmkit/contract';

/**
 * The one place OAuth errors are built (RFC 6749 §5.2, RFC 8707 `invalid_target`), with the status
 * the contract's `OAUTH_ERRORS` gives their code.
 *
 * @example
 * throw new OAuthError('invalid_scope', 'None of the requested scopes can be granted');
 */
export class OAuthError extends Error {
  override name = 'OAuthError';
  readonly code: OAuthErrorCode;
  readonly status: OAuthErrorStatus;

  constructor(code: OAuthErrorCode, description: string) {
    super(description);
    this.code = code;
    this.status = OAUTH_ERRORS[code].status;
  }

  toBody(): OAuthErrorBody {
    return { error: this.code, error_description: this.message, message: this.message };
  }
}
