import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCS_PATH, generateOpenApi, OPENAPI_DOCUMENT_PATH } from '@realmkit/contract';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { contentHash, type StaticAsset, sendStaticAsset, staticAsset } from '../http/static-asset.ts';

/**
 * `GET /openapi.json`, the document derived from the contract, and `GET /docs`: the API
 * reference, rendered in the browser by Scalar (`@scalar/api-reference`) from `/openapi.json`.
 * Everything the page loads comes from this server: Scalar's standalone bundle is read from
 * node_modules once and served under a content-hashed name (cached for a year), next to a small
 * script holding its configuration. No CDN, no web fonts, no agent chat: the
 * Content-Security-Policy lets the page reach this origin (and the issuer's, for "Test Request")
 * and nothing else.
 *
 * The document and the bundle are made on their first request, not at start: a server nobody
 * reads the reference of would hold them (4 MB of bundle, the document and the garbage of
 * deriving it) for its whole life.
 */

const ASSETS_PATH = `${DOCS_PATH}/assets`;
/** The file name scripts/vendor-docs-assets.mjs gives Scalar's bundle in the package's `assets/`. */
const VENDORED_SCALAR_BUNDLE = 'scalar-api-reference.standalone.js';

function asset(name: string, body: Buffer): StaticAsset {
  return staticAsset(`${ASSETS_PATH}/${name}.${contentHash(body)}.js`, body, 'text/javascript; charset=utf-8');
}

let scalarBundle: StaticAsset | undefined;

/** Scalar's browser build (one self-contained IIFE that defines `window.Scalar`), read once. */
function loadScalarBundle(): StaticAsset {
  if (!scalarBundle) {
    // Its sourceMappingURL points at a map this server does not serve: drop the comment.
    const source = readFileSync(scalarBundleFile(), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    scalarBundle = asset('scalar-api-reference', Buffer.from(source));
  }
  return scalarBundle;
}

/**
 * In the repository, the standalone build beside `@scalar/api-reference`'s ESM entry (the only
 * path it exports); in the published package, which does not depend on Scalar's ~270 packages,
 * the copy its build vendored into `assets/` (scripts/vendor-docs-assets.mjs).
 */
function scalarBundleFile(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('@scalar/api-reference');
    return path.join(path.dirname(entry), 'browser', 'standalone.js');
  } catch {
    return fileURLToPath(new URL(`../../assets/${VENDORED_SCALAR_BUNDLE}`, import.meta.url));
  }
}

/**
 * Scalar's configuration: the document from this server; system fonts instead of Scalar's
 * (fonts.scalar.com); no agent chat and no "Generate MCP" button (both on by default when the page
 * is on localhost; they talk to api.scalar.com and upload the document to Scalar's registry); no
 * developer toolbar; every tag open, so that the sidebar lists all operations.
 */
const scalarConfiguration = {
  url: OPENAPI_DOCUMENT_PATH,
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: 'never',
  defaultOpenAllTags: true,
  metaData: { title: 'Realmkit API reference' },
};

const initScript = asset(
  'init',
  Buffer.from(`Scalar.createApiReference('#docs', ${JSON.stringify(scalarConfiguration)});\n`),
);

/**
 * The page. The mount point must not have the id `api-reference`: Scalar's bundle mounts a second
 * reference of its own on such an element, with its default configuration (web fonts included).
 */
function page(bundle: StaticAsset): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Realmkit API reference</title>
    <link rel="icon" href="data:,">
  </head>
  <body>
    <div id="docs"></div>
    <script src="${bundle.path}"></script>
    <script src="${initScript.path}"></script>
  </body>
</html>
`;
}

function contentSecurityPolicy(issuerUrl: string): string {
  let issuerOrigin = '';
  try {
    issuerOrigin = new URL(issuerUrl).origin;
  } catch {
    // Not a URL: the page then talks to its own origin only.
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Scalar injects its stylesheet as <style> elements and sets inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${issuerOrigin ? ` ${issuerOrigin}` : ''}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface DocsOptions {
  /** The server's public URL: the "Test Request" button may call it. */
  issuerUrl: string;
}

/** The routes of the API reference: the OpenAPI document, the page and its two scripts. */
export function docsRoutes({ issuerUrl }: DocsOptions): Router {
  // Read on the first request to /docs (4.3 MB), but a package built without it fails at start.
  accessSync(scalarBundleFile(), constants.R_OK);
  const csp = contentSecurityPolicy(issuerUrl);
  let openApiDocument: string | undefined;
  let html: string | undefined;
  const router = Router();

  router.get(OPENAPI_DOCUMENT_PATH, (_req, res) => {
    openApiDocument ??= JSON.stringify(generateOpenApi({ serverUrl: issuerUrl }));
    res.type('application/json').send(openApiDocument);
  });
  router.get(DOCS_PATH, (_req, res) => {
    html ??= page(loadScalarBundle());
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.send(html);
  });
  router.get(`${ASSETS_PATH}/:file`, (req: Request<{ file: string }>, res: Response, next: NextFunction) => {
    if (req.path === initScript.path) return sendStaticAsset(req, res, initScript);
    // Only a name the bundle could have loads it: its hash is known once it is read.
    if (req.params.file.startsWith('scalar-api-reference.') && req.path === loadScalarBundle().path) {
      return sendStaticAsset(req, res, loadScalarBundle());
    }
    next();
  });
  return router;
}
