import type { IncomingMessage, ServerResponse } from 'node:http';
import { contract, ERROR_MESSAGES } from '@realmkit/contract';
import { ServiceUnavailableError } from '../errors/api-error.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { urlPath } from '../http/url-path.ts';

/**
 * What the server answers between binding its port and being ready (migrations, the first-start
 * bootstrap): the port is taken first, so that a port in use fails the start before anything is
 * written. `/healthz` says the process is alive (a long migration must not get it restarted);
 * `/readyz` fails its `startup` check; every other request gets a 503 with `Retry-After`, in the
 * error shape. The connection is closed: the request's body is never read.
 */
export function answerWhileStarting(): (req: IncomingMessage, res: ServerResponse) => void {
  const headers = securityHeaders();
  return (req, res) => {
    headers(req as never, res as never, () => {});
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Connection', 'close');
    const path = urlPath(req.url ?? '/');
    if (path === contract.health.healthz.path) {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    const error =
      path === contract.health.readyz.path
        ? new ServiceUnavailableError(ERROR_MESSAGES.notReady(['startup']), [
            { path: 'startup', message: ERROR_MESSAGES.starting },
          ])
        : new ServiceUnavailableError(ERROR_MESSAGES.starting);
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    sendJson(res, error.status, error.toBody());
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
