// consumer-check.sh: the SDK through `import`, which must load dist/index.js.
import { fileURLToPath } from 'node:url';
import * as sdk from '@realmkit/sdk';
import scenario from './scenario.cjs';

const file = fileURLToPath(import.meta.resolve('@realmkit/sdk'));
if (!file.endsWith('/node_modules/@realmkit/sdk/dist/index.js')) throw new Error(`import loaded ${file}`);
console.log(`ok  esm: import '@realmkit/sdk' -> ${file.slice(file.indexOf('node_modules'))} (SDK ${sdk.VERSION})`);
await scenario(sdk, 'esm');
