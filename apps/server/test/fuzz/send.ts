import { type Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';

/** A request as it goes on the wire. */
export interface RawRequest {
  readonly method: string;
  /** Raw request target (path and query), sent as it is. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
  /** `Transfer-Encoding: chunked` instead of `Content-Length`. */
  readonly chunked: boolean;
}

export interface RawResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly requestId: string | undefined;
  readonly text: string;
}

/** Bodies beyond this are cut: an error body is small, and the fuzzer only reads them. */
const MAX_RESPONSE = 2 * 1024 * 1024;

/** What was sent last on each connection, to name it when the next request on it gets no response. */
const lastOnSocket = new WeakMap<Socket, string>();

/**
 * Sends `request` over a real connection as it is: raw path (no URL normalization, unlike
 * `fetch`), headers, body with `Content-Length` or chunked. Rejects if no response came.
 */
export function send(
  agent: Agent | undefined,
  baseUrl: URL,
  request: RawRequest,
  timeoutMs: number,
): Promise<RawResponse> {
  let previous: string | undefined;
  return new Promise<RawResponse>((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body && !request.chunked) headers['content-length'] = request.body.length;
    // Said explicitly: Node frames a GET, HEAD or DELETE body as chunked only when told to, and
    // would otherwise send it unframed, where the server reads it as the next request.
    if (request.body && request.chunked) headers['transfer-encoding'] = 'chunked';
    const outgoing = httpRequest(
      {
        agent,
        host: baseUrl.hostname,
        port: baseUrl.port,
        method: request.method,
        path: request.path,
        headers,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE) chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'] ?? null,
            requestId: response.headers['x-request-id'] as string | undefined,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('socket', (socket) => {
      previous = lastOnSocket.get(socket);
      lastOnSocket.set(socket, `${request.method} ${request.path.slice(0, 200)}`);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no response within ${timeoutMs} ms`)));
    outgoing.on('error', (error) =>
      reject(new Error(`${error.message}${previous ? ` (the connection's previous request: ${previous})` : ''}`)),
    );
    if (request.body && request.chunked) {
      const half = Math.floor(request.body.length / 2);
      outgoing.write(request.body.subarray(0, half));
      outgoing.end(request.body.subarray(half));
    } else {
      outgoing.end(request.body);
    }
  });
}
