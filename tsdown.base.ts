// The build of each published package: dist/index.js (ESM) + dist/index.cjs (CommonJS), each with
// its own declarations (index.d.ts, index.d.cts), for Node >= 20. Dependencies stay imports,
// resolved from the consumer's node_modules: tsdown leaves every package of `dependencies` out.
import type { UserConfig } from 'tsdown';

export const dualPackageBuild: UserConfig = {
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  dts: true,
  // index.js / index.d.ts for ESM (the packages are "type": "module"), index.cjs / index.d.cts for CJS.
  fixedExtension: false,
  sourcemap: false,
  clean: true,
  // The CJS build is on purpose: Node 20 before 20.19 cannot require() an ES module (the SDK's
  // CJS users need the contract as CJS too). No timing report of the plugins: the dts plugin is
  // the slow part, and that is expected.
  checks: { legacyCjs: false, bundlerTimings: false },
};
