import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_APPLICATION, CONSOLE_PATH, MASTER_REALM } from '@realmkit/contract';
import { type Request, type Response, Router } from 'express';
import { type StaticAsset, sendStaticAsset, staticAsset } from '../http/static-asset.ts';

/**
 * The web console at `/console`: a single-page app (apps/console, built with Vite into the
 * package's `console/` folder) that signs admins in with a realm's built-in console application
 * and calls the Management API with their token. Every path under `/console/` that is not one of
 * its hashed assets answers its page, so that a deep link survives a reload. The page may load
 * and call this origin only.
 */

const ASSETS_PATH = `${CONSOLE_PATH}/assets`;
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/** Where the build puts the console: the package's `console/`, beside `src/` and `dist/`. */
export const CONSOLE_BUILD_DIR = fileURLToPath(new URL('../../console', import.meta.url));

interface ConsoleBuild {
  html: string;
  assets: Map<string, StaticAsset>;
}

function loadBuild(dir: string, issuerUrl: string): ConsoleBuild {
  const template = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const issuerMeta = '<meta name="realmkit-issuer" content="">';
  if (!template.includes(issuerMeta)) throw new Error(`${dir}/index.html has no realmkit-issuer meta tag`);
  const html = template.replace(issuerMeta, `<meta name="realmkit-issuer" content="${escapeAttribute(issuerUrl)}">`);
  const assets = new Map<string, StaticAsset>();
  const assetDir = path.join(dir, 'assets');
  for (const name of existsSync(assetDir) ? readdirSync(assetDir) : []) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (!type) continue;
    const url = `${ASSETS_PATH}/${name}`;
    assets.set(url, staticAsset(url, readFileSync(path.join(assetDir, name)), type));
  }
  return { html, assets };
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * Only this origin: scripts and styles are files (no inline code), the Management API and the
 * realm's OAuth endpoints are here (the issuer's origin, should it be another name for it).
 */
function contentSecurityPolicy(issuerUrl: string): string {
  let issuerOrigin = '';
  try {
    issuerOrigin = new URL(issuerUrl).origin;
  } catch {
    // Not a URL: the page then talks to its own origin only.
  }
  const self = `'self'${issuerOrigin ? ` ${issuerOrigin}` : ''}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${self}`,
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${self}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface ConsoleOptions {
  issuerUrl: string;
  /** The built console; by default the package's own. */
  buildDir?: string;
}

/**
 * The console's routes, or `undefined` when this installation has no built console (a checkout
 * that has not run `npm run build -w @realmkit/console`): the server then runs without it.
 */
export function consoleRoutes({ issuerUrl, buildDir = CONSOLE_BUILD_DIR }: ConsoleOptions): Router | undefined {
  if (!existsSync(path.join(buildDir, 'index.html'))) return undefined;
  // Read on the first request (a server nobody opens the console of holds none of it), and again
  // when the build changes under a running server (`npm run dev -w @realmkit/console`).
  let build: (ConsoleBuild & { builtAt: number }) | undefined;
  const loaded = (): ConsoleBuild => {
    // Mid-rebuild the folder may be empty for a moment: the last build answers meanwhile.
    const builtAt = statSync(path.join(buildDir, 'index.html'), { throwIfNoEntry: false })?.mtimeMs;
    if (builtAt !== undefined && build?.builtAt !== builtAt) build = { ...loadBuild(buildDir, issuerUrl), builtAt };
    if (!build) throw new Error(`no console build in ${buildDir}`);
    return build;
  };
  const csp = contentSecurityPolicy(issuerUrl);
  const router = Router();

  const sendPage = (_req: Request, res: Response) => {
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.send(loaded().html);
  };
  router.get(CONSOLE_PATH, (_req, res) => res.redirect(302, `${CONSOLE_PATH}/${MASTER_REALM}/`));
  router.get(`${CONSOLE_PATH}/`, (_req, res) => res.redirect(302, `${CONSOLE_PATH}/${MASTER_REALM}/`));
  router.get(`${ASSETS_PATH}/:file`, (req, res, next) => {
    const asset = loaded().assets.get(req.path);
    // Not a file of this build (an old one's, say): the API's 404, not the page.
    if (!asset) return next('router');
    return sendStaticAsset(req, res, asset);
  });
  router.get(`${CONSOLE_PATH}/*rest`, sendPage);
  return router;
}

/** The console's address for a realm's admins, as the first start prints it. */
export function consoleUrl(issuerUrl: string, realm: string = MASTER_REALM): string {
  return CONSOLE_APPLICATION.postLogoutRedirectUri(issuerUrl, realm);
}
