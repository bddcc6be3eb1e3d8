import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * The headers a header-setting middleware sets, found by running it once against a response that
 * only records them. helmet's headers depend on its options, never on the request: computing them
 * per request was 6 % of a token request's main-thread time (docs/performance.md).
 */
function headersSetBy(middleware: NodeMiddleware): [string, string][] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  let called = false;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    if (error) throw error;
    called = true;
  });
  if (!called) throw new Error('The security headers middleware did not finish synchronously');
  return [...headers];
}

/**
 * helmet's headers on every response, with a Content-Security-Policy for a JSON API: nothing may
 * load, nothing may frame it (OWASP's REST advice). Pages set their own policy over this one (the
 * API reference at `/docs`, the verify-email page). Strict-Transport-Security only takes effect
 * over HTTPS, that is behind a TLS-terminating proxy.
 */
export function securityHeaders(): RequestHandler {
  const headers = headersSetBy(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'none'"],
        },
      },
      // No cross-origin reads of responses by embedding (<script src>, <img>); CORS is separate.
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
