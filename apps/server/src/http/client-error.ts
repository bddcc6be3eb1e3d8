import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

const ANSWERS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n',
  ERR_HTTP_REQUEST_TIMEOUT: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
};

const MALFORMED = 'Malformed HTTP request: percent-encode the URL (RFC 3986) and send valid HTTP/1.1';

/** The token and introspection endpoints answer RFC 6749 errors; every other route the error shape. */
const OAUTH_ENDPOINT = /^\/oauth2\/[^/?]+\/(?:token|introspect)\/?(?:\?|$)/i;

/** A 400 for the request whose first bytes are `rawPacket`: no body for HEAD, RFC 6749's body on OAuth endpoints. */
function badRequest(rawPacket: Buffer | undefined): string {
  const [method = '', target = ''] = (rawPacket?.subarray(0, 2048).toString('latin1') ?? '').split(/[ \r\n]/, 2);
  const body =
    method === 'HEAD'
      ? ''
      : JSON.stringify(
          OAUTH_ENDPOINT.test(target)
            ? { error: 'invalid_request', error_description: MALFORMED, message: MALFORMED }
            : { error: 'invalid_request', message: MALFORMED },
        );
  return (
    'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * The server's `clientError` listener. Node's HTTP parser refuses some requests before Express
 * sees them, such as a URL with raw non-ASCII bytes (curl sends `?search=josé` so), and then answers
 * a bare 400; this answers it in the error shape, with a hint. The other cases keep Node's answers
 * (431, 413, 408), and a response already under way is not interrupted.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  // Node's own rule: answer unless a response on this (keep-alive) socket has started already.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent && error.code !== 'ECONNRESET') {
    socket.end(ANSWERS[error.code ?? ''] ?? badRequest(error.rawPacket));
  } else {
    socket.destroy();
  }
}
