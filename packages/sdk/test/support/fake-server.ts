import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake server received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as text ('' when none, or when the request was not answered). */
  body: string;
  /** `performance.now()` when the request's headers arrived. */
  at: number;
  /** `Date.now()` when the request's headers arrived. */
  wallTime: number;
}

/**
 * What the server does with a request: answer with a status (JSON when `body` is an object),
 * `'destroy'` the socket without answering (a network failure), or `'hang'` (never answer).
 */
export type Scripted = { status: number; headers?: Record<string, string>; body?: unknown } | 'destroy' | 'hang';

export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** Queues the answers to the next requests, in order; the last one repeats once the queue is empty. */
  script(...responses: Scripted[]): void;
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The public URL the fake server's realms claim as issuers in their discovery documents: not its
 * own address, as behind a proxy, so that a test sees which one a client uses.
 */
export const FAKE_PUBLIC_URL = 'https://auth.example.com';

const DISCOVERY = /^\/oauth2\/([^/]+)\/\.well-known\/openid-configuration$/;

/** A JSON answer. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Scripted {
  return { status, body, headers };
}

/** A `{ data }` 200 (or `status`) answer, as the Management API sends. */
export function data(value: unknown, status = 200, headers: Record<string, string> = {}): Scripted {
  return { status, body: { data: value }, headers };
}

/** An error answer shaped like Realmkit's: `{ error, message }`. */
export function failure(status: number, headers: Record<string, string> = {}, error = `http_${status}`): Scripted {
  return { status, body: { error, message: `scripted ${status}` }, headers };
}

function answer(res: ServerResponse, scripted: Exclude<Scripted, string>): void {
  const headers: Record<string, string> = { ...scripted.headers };
  let payload: string | undefined;
  if (typeof scripted.body === 'string') {
    payload = scripted.body;
    headers['content-type'] ??= 'text/plain';
  } else if (scripted.body !== undefined) {
    payload = JSON.stringify(scripted.body);
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(scripted.status, headers);
  res.end(payload);
}

/**
 * A real HTTP server on 127.0.0.1 and a free port, answering each request as the test scripted
 * it and recording what arrived, for the behaviours the real Realmkit server cannot produce on
 * demand (5xx, resets, slow answers, Retry-After...).
 */
export async function startFakeServer(...initial: Scripted[]): Promise<FakeServer> {
  const queue: Scripted[] = [...initial];
  let last: Scripted = { status: 500, body: { error: 'unscripted', message: 'no scripted response' } };
  const requests: RecordedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];

  const server = createServer((req, res) => {
    // Discovery is answered outside the script, and not recorded: only a realm's issuer is read there.
    const discovery = DISCOVERY.exec(req.url ?? '');
    if (discovery) {
      answer(res, { status: 200, body: { issuer: `${FAKE_PUBLIC_URL}/oauth2/${discovery[1]}` } });
      return;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: '',
      at: performance.now(),
      wallTime: Date.now(),
    };
    requests.push(recorded);
    for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const next = queue.shift() ?? last;
    last = next;
    if (next === 'destroy') {
      req.socket.destroy();
      return;
    }
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      recorded.body += chunk;
    });
    if (next === 'hang') return;
    req.on('end', () => answer(res, next));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script(...responses) {
      queue.push(...responses);
    },
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A port nothing listens on (it was free a moment ago): connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
