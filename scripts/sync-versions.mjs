// Part of `npm run version-packages`, after `changeset version`: writes the new version where a
// file other than package.json holds it (the SDK's X-Realmkit-Client header). The OpenAPI
// document's info.version follows with `npm run openapi`.
import { readFileSync, writeFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../packages/sdk/package.json', import.meta.url), 'utf8'));
const file = new URL('../packages/sdk/src/core/version.ts', import.meta.url);
const source = readFileSync(file, 'utf8');
const updated = source.replace(/export const VERSION = '[^']*';/, `export const VERSION = '${version}';`);
if (updated === source && !source.includes(`'${version}'`)) throw new Error(`no VERSION constant in ${file.pathname}`);
writeFileSync(file, updated);
console.log(`SDK VERSION = ${version}`);
