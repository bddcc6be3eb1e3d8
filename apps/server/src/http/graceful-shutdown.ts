import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How a drain ended: every request finished, or the deadline came first. */
export interface DrainResult {
  /** Requests the app had not finished when the deadline came (their connections were cut). */
  readonly cutRequests: number;
}

/** Drains an HTTP server on shutdown; see {@link drainable}. */
export interface Drainable {
  /**
   * Stops accepting connections and lets the requests in flight finish; keep-alive clients are
   * answered with `Connection: close` and their idle connections closed. Resolves once every
   * connection is closed and the app has ended every response, including those of clients that
   * hung up first. After `timeoutMs`, the connections left are cut and it resolves at once.
   */
  drain(timeoutMs: number): Promise<DrainResult>;
}

/**
 * Tracks `server`'s requests so that it can be drained: a response that starts while draining,
 * or had not started when draining began, carries `Connection: close`, so that the client opens
 * no further request on that connection; a connection that goes idle is closed at once.
 *
 * A request counts as in flight until the app ends its response, not until its connection
 * closes: when a client hangs up, the handler runs on (an argon2 hash, then a write and its
 * audit entry), and what closes after the drain (the database pool) must outlive it. The end is
 * seen by wrapping `res.end` (and `res.destroy`) before the app's first middleware, so that
 * every later wrapper (the response hooks') calls through it once its own work is done.
 */
export function drainable(server: Server): Drainable {
  const atWork = new Set<ServerResponse>();
  let draining = false;
  let onFinished: (() => void) | undefined;

  // Before the app's own listener, so that the header is set before any handler can answer.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    atWork.add(res);
    const { end, destroy } = res;
    const finished = () => {
      res.end = end;
      res.destroy = destroy;
      atWork.delete(res);
      if (atWork.size === 0) onFinished?.();
    };
    res.end = function (this: ServerResponse, ...args: unknown[]) {
      finished();
      return (end as (...args: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['end'];
    // The app gives up on a response it cannot finish (an error after its head went out) by
    // destroying it: done too. (A client hanging up closes the socket; it does not call this.)
    res.destroy = function (this: ServerResponse, error?: Error) {
      finished();
      return destroy.call(this, error);
    };
    res.once('close', () => {
      // Once Node has let go of the connection, it is idle: close it rather than wait for the client.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });

  return {
    drain(timeoutMs) {
      draining = true;
      for (const res of atWork) if (!res.headersSent) res.setHeader('Connection', 'close');
      return new Promise<DrainResult>((resolve) => {
        let closed = false;
        const finish = (cutRequests: number) => {
          clearTimeout(deadline);
          onFinished = undefined;
          resolve({ cutRequests });
        };
        const deadline = setTimeout(() => {
          const cutRequests = atWork.size;
          server.closeAllConnections();
          finish(cutRequests);
        }, timeoutMs);
        onFinished = () => {
          if (closed) finish(0);
        };
        server.close(() => {
          closed = true;
          if (atWork.size === 0) finish(0);
        });
        server.closeIdleConnections();
      });
    },
  };
}
