// Part of `npm run build`: copies Scalar's standalone browser bundle (what /docs serves) and its
// license into assets/, so that the published package serves /docs without depending on
// @scalar/api-reference and the ~270 packages it pulls in (it is a devDependency).
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const scalarDir = path.dirname(
  path.dirname(createRequire(import.meta.url).resolve('@scalar/api-reference')), // <pkg>/dist/index.js
);
const assets = path.join(serverDir, 'assets');
await mkdir(assets, { recursive: true });
// Keep the file name in step with VENDORED_SCALAR_BUNDLE in src/docs/docs.routes.ts.
await copyFile(
  path.join(scalarDir, 'dist', 'browser', 'standalone.js'),
  path.join(assets, 'scalar-api-reference.standalone.js'),
);
// @scalar/api-reference ships no LICENSE file; its package.json says MIT, and its sibling packages
// (here @scalar/api-client, a dependency it bundles) carry the project's one MIT license text.
const license = [path.join(scalarDir, 'LICENSE'), path.join(path.dirname(scalarDir), 'api-client', 'LICENSE')].find(
  (file) => existsSync(file),
);
if (!license) throw new Error('no license file found for @scalar/api-reference');
await copyFile(license, path.join(assets, 'scalar-api-reference.LICENSE'));
