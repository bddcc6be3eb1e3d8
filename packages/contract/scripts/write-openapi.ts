// Writes packages/contract/openapi.json from the contract (`npm run openapi`).
import { writeFileSync } from 'node:fs';
import { generateOpenApi } from '../src/index.ts';

const target = new URL('../openapi.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(generateOpenApi(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
