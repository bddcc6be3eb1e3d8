import { createHash } from 'node:crypto';
import {
  CONSOLE_PATH,
  contract,
  DOCS_PATH,
  HOME_PATH,
  MASTER_REALM,
  OPENAPI_DOCUMENT_PATH,
  realmPath,
} from '@realmkit/contract';
import { type RequestHandler, Router } from 'express';

export interface HomeOptions {
  /** The server's public URL: the JSON answer's links are absolute. */
  issuerUrl: string;
  /** Whether this server has the console's build (a package built without it has none). */
  console: boolean;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.5}h1{font-size:1.4rem}';

/** The API's policy (nothing loads, nothing frames it), but this page's one stylesheet, by its hash. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Where to go from `/`, by the contract's paths: name, path, what it is. */
function linksOf(options: HomeOptions): { name: string; path: string; title: string; text: string }[] {
  const discovery = realmPath(contract.oauth.openidConfiguration.path, MASTER_REALM);
  return [
    ...(options.console
      ? [{ name: 'console', path: `${CONSOLE_PATH}/`, title: 'Console', text: 'manage realms, users and applications' }]
      : []),
    { name: 'docs', path: DOCS_PATH, title: 'API reference', text: 'every endpoint, with examples' },
    { name: 'openapi', path: OPENAPI_DOCUMENT_PATH, title: 'OpenAPI document', text: 'for code generators' },
    {
      name: 'openid_configuration',
      path: discovery,
      title: 'OpenID Connect discovery',
      text: `of the ${MASTER_REALM} realm; every realm has its own, under /oauth2/{realm}`,
    },
  ];
}

/**
 * `GET /`: where a person who opens the server's URL (or a script that calls it) can go from there,
 * instead of a 404. HTML for a browser; JSON, with absolute URLs, for anything that does not ask
 * for HTML first (`Accept: application/json`, or curl, which takes anything).
 */
export function homeRoutes(options: HomeOptions): Router {
  const links = linksOf(options);
  const json = JSON.stringify({
    name: 'Realmkit',
    links: Object.fromEntries(links.map((link) => [link.name, `${options.issuerUrl}${link.path}`])),
  });
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Realmkit</title>
<style>${STYLE}</style>
</head><body><h1>Realmkit</h1><p>This is a Realmkit identity server.</p><ul>
${links.map((link) => `<li><a href="${link.path}">${link.title}</a>: ${link.text}</li>`).join('\n')}
</ul></body></html>
`;
  const page: RequestHandler = (req, res) => {
    res.vary('Accept').set('Cache-Control', 'no-cache');
    if (req.accepts(['json', 'html']) === 'html') {
      res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY).type('html').send(html);
    } else {
      res.type('json').send(json);
    }
  };
  const router = Router();
  router.get(HOME_PATH, page);
  return router;
}
