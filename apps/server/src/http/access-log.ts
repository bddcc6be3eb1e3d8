import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { redactUrl } from './logger.ts';
import { urlPath } from './url-path.ts';

/** Probes that load balancers call every few seconds: not worth a log line each when they succeed. */
const QUIET_PATHS = new Set(['/healthz', '/readyz']);

/**
 * One JSON line per request once its response is sent, or `request aborted` when the client hung
 * up first: `reqId` (the `X-Request-Id`), method, URL with secret query values redacted, the
 * client's address, status and time. `warn` for a 503 (the database or readiness saying "not
 * now"), `error` for other 5xx. Successful probes are left out.
 *
 * Headers and bodies are never in it, so the line needs no redaction pass: it is written by a
 * child logger without one. The server's redaction config made each line cost 27 µs, a quarter of
 * a token request (docs/performance.md); fixed fields cost about 1 µs.
 *
 * Reads only what a plain Node request has (and `id`, set by `requestId` before it).
 */
export function accessLog(logger: Logger) {
  const lines = logger.child({}, { redact: { paths: [] } });
  return (req: IncomingMessage & { id?: string; originalUrl?: string }, res: ServerResponse, next: () => void) => {
    const start = performance.now();
    let logged = false;
    // On 'finish' (the answer handed to the socket: before a drain's "shut down", whatever the
    // client does with the connection afterwards), or on 'close' without it (the client hung up).
    const log = () => {
      if (logged) return;
      logged = true;
      const url = req.originalUrl ?? req.url ?? '';
      const status = res.statusCode;
      const finished = res.writableFinished;
      if (finished && status < 400 && QUIET_PATHS.has(urlPath(url))) return;
      const line = {
        reqId: req.id,
        req: { method: req.method, url: redactUrl(url), remoteAddress: req.socket.remoteAddress },
        // An aborted request may have no answer yet: `null` rather than the default 200.
        res: { statusCode: finished || res.headersSent ? status : null },
        responseTime: Math.round((performance.now() - start) * 10) / 10,
      };
      const message = finished ? 'request completed' : 'request aborted';
      if (status === 503) lines.warn(line, message);
      else if (status >= 500) lines.error(line, message);
      else lines.info(line, message);
    };
    res.once('finish', log);
    res.once('close', log);
    next();
  };
}
