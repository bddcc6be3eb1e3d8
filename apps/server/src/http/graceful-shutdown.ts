import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How a drain ended: every connection closed by itself, or some were cut at the deadline. */
export interface DrainResult {
  /** Requests still unanswered when the deadline cut their connections. */
  readonly cutRequests: number;
}

/** Drains an HTTP server on shutdown; see {@link drainable}. */
export interface Drainable {
  /**
   * Stops accepting connections and lets the requests in flight finish; keep-alive clients are
   * answered with `Connection: close` and their idle connections closed. After `timeoutMs`, the
   * connections left are closed and their requests fail.
   */
  drain(timeoutMs: number): Promise<DrainResult>;
}

/**
 * Tracks `server`'s requests so that it can be drained: a response that starts while draining,
 * or had not started when draining began, carries `Connection: close`, so that the client opens
 * no further request on that connection; a connection that goes idle is closed at once.
 */
export function drainable(server: Server): Drainable {
  const inFlight = new Set<ServerResponse>();
  let draining = false;

  // Before the app's own listener, so that the header is set before any handler can answer.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // Once Node has let go of the connection, it is idle: close it rather than wait for the client.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });

  return {
    drain(timeoutMs) {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      return new Promise<DrainResult>((resolve) => {
        let cutRequests = 0;
        const deadline = setTimeout(() => {
          cutRequests = inFlight.size;
          server.closeAllConnections();
        }, timeoutMs);
        server.close(() => {
          clearTimeout(deadline);
          resolve({ cutRequests });
        });
        server.closeIdleConnections();
      });
    },
  };
}
