// consumer-check.sh: the SDK through `require`, which must load dist/index.cjs and the contract's
// dist/index.cjs: CommonJS all the way, with no require() of an ES module (which Node 20 before
// 20.19 cannot do; the check runs this with --no-experimental-require-module where Node has it).
const path = require('node:path');
const sdk = require('@realmkit/sdk');
const { fromTokenFile } = require('@realmkit/sdk/node');
const scenario = require('./scenario.cjs');

const loaded = Object.keys(require.cache).map((file) => file.slice(file.indexOf('node_modules')));
if (typeof fromTokenFile !== 'function') throw new Error("require('@realmkit/sdk/node') has no fromTokenFile");
for (const expected of [
  '@realmkit/sdk/dist/index.cjs',
  '@realmkit/sdk/dist/node.cjs',
  '@realmkit/contract/dist/index.cjs',
]) {
  const file = path.join('node_modules', expected);
  if (!loaded.includes(file)) throw new Error(`require did not load ${file}; loaded: ${loaded.join(', ')}`);
  console.log(`ok  cjs: require loaded ${file}`);
}
console.log(
  `ok  cjs: require('@realmkit/sdk') (SDK ${sdk.VERSION}, require(esm) ${process.features.require_module ? 'on' : 'off'})`,
);
scenario(sdk, 'cjs', fromTokenFile).catch((error) => {
  console.error(error);
  process.exit(1);
});
