import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the proxy received, and what became of it. */
export interface Forwarded {
  method: string;
  path: string;
  /** The request's headers, as the client sent them. */
  headers: IncomingHttpHeaders;
  /** What the real server answered (0 when the proxy answered itself). */
  status: number;
  /** The real server's answer said `Idempotent-Replayed`. */
  replayed: string | undefined;
  /** The client never got the server's answer: the proxy dropped the connection instead. */
  lost: boolean;
}

/** What the proxy does with one request. */
export interface Fault {
  /** Answer this status (a Realmkit-shaped error body) instead of forwarding: the server never sees it. */
  answer?: number;
  /** Headers of that answer (`Retry-After`...). */
  headers?: Record<string, string>;
  /** Forward it, then drop the client's connection instead of passing the answer on. */
  lose?: boolean;
  /** Runs once the server has answered, before the answer is passed on or dropped. */
  meanwhile?: () => Promise<void>;
}

export interface FaultyProxy {
  /** `http://127.0.0.1:<port>`, to use as the SDK's `baseUrl`. */
  url: string;
  forwarded: Forwarded[];
  close(): Promise<void>;
}

/**
 * A proxy in front of the real server that injects the faults `faultFor` picks (a 5xx before the
 * server sees the request, or an answer lost after the server did the work), and forwards the
 * rest untouched. The failures retries exist for, on a real network path.
 */
export async function faultyProxy(
  target: string,
  faultFor: (request: { method: string; path: string }) => Fault | undefined,
): Promise<FaultyProxy> {
  const forwarded: Forwarded[] = [];
  const server = createServer((req, res) => {
    const method = req.method ?? '';
    const path = req.url ?? '/';
    const fault = faultFor({ method, path }) ?? {};
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (fault.answer) {
        forwarded.push({ method, path, headers: req.headers, status: 0, replayed: undefined, lost: false });
        res.writeHead(fault.answer, { ...fault.headers, 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `http_${fault.answer}`, message: 'injected by the proxy' }));
        return;
      }
      const upstream = request(
        new URL(path, target),
        { method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', async () => {
            forwarded.push({
              method,
              path,
              headers: req.headers,
              status: answer.statusCode ?? 0,
              replayed: answer.headers['idempotent-replayed'] as string | undefined,
              lost: Boolean(fault.lose),
            });
            await fault.meanwhile?.();
            if (fault.lose) {
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fault for the first request that `matches`, and none after it. */
export function once(
  matches: (request: { method: string; path: string }) => boolean,
  fault: Fault,
): (request: { method: string; path: string }) => Fault | undefined {
  let done = false;
  return (request) => {
    if (done || !matches(request)) return undefined;
    done = true;
    return fault;
  };
}
