// Writes packages/contract/openapi.json from the contract (`npm run openapi`).
// The document's info.version is the contract package's version.
import { readFileSync, writeFileSync } from 'node:fs';
import { generateOpenApi } from '../src/index.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const target = new URL('../openapi.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(generateOpenApi({ version }), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
