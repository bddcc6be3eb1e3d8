import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_CODES, ERROR_MESSAGES, type ErrorStatus } from '@realmkit/contract';

const MALFORMED = 'Malformed HTTP request: percent-encode the URL (RFC 3986) and send valid HTTP/1.1';

/** What Node's parser refused, by its error code, when it is not a malformed request (400). */
const ANSWERS: Record<string, { status: ErrorStatus; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    message: ERROR_MESSAGES.headersTooLarge,
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    reason: 'Payload Too Large',
    message: ERROR_MESSAGES.chunkExtensionsTooLarge,
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', message: ERROR_MESSAGES.requestTimeout },
};

/** The token and introspection endpoints answer RFC 6749 errors; every other route the error shape. */
const OAUTH_ENDPOINT = /^\/oauth2\/[^/?]+\/(?:token|introspect)\/?(?:\?|$)/i;

/** The method and target of the request whose first bytes are `rawPacket`, as far as they were read. */
function requestLineOf(rawPacket: Buffer | undefined): { method: string; target: string } {
  const [method = '', target = ''] = (rawPacket?.subarray(0, 2048).toString('latin1') ?? '').split(/[ \r\n]/, 2);
  return { method, target };
}

/**
 * The whole answer to a refused request, in the error shape with its Content-Type (RFC 6749's
 * shape for a 400 on the OAuth endpoints), and no body for HEAD. The connection closes: what
 * follows on it cannot be trusted to start a request.
 */
function answerOf(error: Error & { code?: string; rawPacket?: Buffer }): string {
  const { method, target } = requestLineOf(error.rawPacket);
  const known = ANSWERS[error.code ?? ''];
  const { status, reason, message } = known ?? { status: 400, reason: 'Bad Request', message: MALFORMED };
  const body =
    method === 'HEAD'
      ? ''
      : JSON.stringify(
          status === 400 && OAUTH_ENDPOINT.test(target)
            ? { error: 'invalid_request', error_description: message, message }
            : { error: ERROR_CODES[status], message },
        );
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * The server's `clientError` listener. Node's HTTP parser refuses some requests before Express
 * sees them (a URL with raw non-ASCII bytes, as curl sends `?search=josé`; a URL or headers over
 * its `maxHeaderSize`; chunk extensions too large; a request that arrives too slowly), and then
 * answers a bare status with no body; this answers each in the documented error shape, with a
 * hint. A response already under way is not interrupted.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  // Node's own rule: answer unless a response on this (keep-alive) socket has started already.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent && error.code !== 'ECONNRESET') {
    socket.end(answerOf(error));
  } else {
    socket.destroy();
  }
}
