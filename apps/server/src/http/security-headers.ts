import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers on every response, with a Content-Security-Policy for a JSON API: nothing may
 * load, nothing may frame it (OWASP's REST advice). Pages set their own policy over this one (the
 * API reference at `/docs`, the verify-email page). Strict-Transport-Security only takes effect
 * over HTTPS, that is behind a TLS-terminating proxy.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
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
  });
}
