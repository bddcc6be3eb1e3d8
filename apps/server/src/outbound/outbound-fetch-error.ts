/**
 * Why a fetch from a client-named URL failed:
 * - `url_not_allowed`: the URL, or a redirect's, breaks the URL rule (`outboundUrlProblem`);
 * - `address_not_allowed`: the host is, or resolves to, an address that is not public;
 * - `network`: the name did not resolve, the connection or TLS handshake failed;
 * - `timeout`: no full answer within the time limit;
 * - `too_large`: the body is over the size limit;
 * - `too_many_redirects`: more redirects than the limit;
 * - `bad_response`: an answer that is not what was asked for (a status other than 200, not JSON,
 *   a discovery document of another issuer).
 */
export type OutboundFetchErrorCode =
  | 'url_not_allowed'
  | 'address_not_allowed'
  | 'network'
  | 'timeout'
  | 'too_large'
  | 'too_many_redirects'
  | 'bad_response';

/**
 * A fetch from a client-named URL that failed, with a stable `code` and a message meant for the
 * client's developer (fit for an `error_description`): it names the URL or host the client gave,
 * never an address the name resolved to nor anything else of the server's network.
 */
export class OutboundFetchError extends Error {
  override name = 'OutboundFetchError';
  readonly code: OutboundFetchErrorCode;

  constructor(code: OutboundFetchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
