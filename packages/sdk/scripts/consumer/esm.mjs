// consumer-check.sh: the SDK through `import`, which must load dist/index.js.
import { fileURLToPath } from 'node:url';
import * as sdk from '@realmkit/sdk';
import { fromTokenFile } from '@realmkit/sdk/node';
import scenario from './scenario.cjs';

const file = fileURLToPath(import.meta.resolve('@realmkit/sdk'));
if (!file.endsWith('/node_modules/@realmkit/sdk/dist/index.js')) throw new Error(`import loaded ${file}`);
console.log(`ok  esm: import '@realmkit/sdk' -> ${file.slice(file.indexOf('node_modules'))} (SDK ${sdk.VERSION})`);
const nodeFile = fileURLToPath(import.meta.resolve('@realmkit/sdk/node'));
if (!nodeFile.endsWith('/node_modules/@realmkit/sdk/dist/node.js') || typeof fromTokenFile !== 'function') {
  throw new Error(`import '@realmkit/sdk/node' loaded ${nodeFile}`);
}
console.log(`ok  esm: import '@realmkit/sdk/node' -> ${nodeFile.slice(nodeFile.indexOf('node_modules'))}`);
await scenario(sdk, 'esm', fromTokenFile);
