import type { OAuthErrorBody } from '@realmkit/contract';

type OAuthErrorCode = OAuthErrorBody['error'];

const STATUS: Record<OAuthErrorCode, 400 | 401 | 429 | 500> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  rate_limited: 429,
  server_error: 500,
};

/**
 * The one place OAuth errors are built (RFC 6749 §5.2, RFC 8707 `invalid_target`).
 *
 * @example
 * throw new OAuthError('invalid_scope', 'None of the requested scopes can be granted');
 */
export class OAuthError extends Error {
  override name = 'OAuthError';
  readonly code: OAuthErrorCode;
  readonly status: 400 | 401 | 429 | 500;

  constructor(code: OAuthErrorCode, description: string) {
    super(description);
    this.code = code;
    this.status = STATUS[code];
  }

  toBody(): OAuthErrorBody {
    return { error: this.code, error_description: this.message, message: this.message };
  }
}
